-- 0003: Orleans grain state (Microsoft.Orleans.Persistence.AdoNet).
-- One row per grain and state type. version is the etag: a write names the version it read and succeeds only if
-- that is still current (or, with no etag, only if no row exists yet). On a mismatch the functions return NULL,
-- which the provider turns into InconsistentStateException. The functions always return exactly one row: the
-- provider treats "no row" as "no conflict" in some paths.
-- The hashes narrow the lookup; the full key (type string, N0, N1, extension) decides.

CREATE TABLE IF NOT EXISTS orleans_storage
(
    service_id        text        NOT NULL,
    grain_type_hash   integer     NOT NULL,
    grain_id_hash     integer     NOT NULL,
    grain_id_n0       bigint      NOT NULL,
    grain_id_n1       bigint      NOT NULL,
    grain_type        text        NOT NULL,
    grain_id_extension text       NULL,
    payload_binary    bytea       NULL,
    modified_on       timestamptz NOT NULL DEFAULT now(),
    version           integer     NOT NULL,
    CONSTRAINT orleans_storage_grain_key UNIQUE NULLS NOT DISTINCT
        (service_id, grain_type_hash, grain_id_hash, grain_id_n0, grain_id_n1, grain_type, grain_id_extension)
);

CREATE OR REPLACE FUNCTION orleans_storage_write(
    p_grain_id_hash integer, p_grain_id_n0 bigint, p_grain_id_n1 bigint, p_grain_type_hash integer,
    p_grain_type text, p_grain_id_extension text, p_service_id text, p_version integer, p_payload bytea)
RETURNS integer
LANGUAGE plpgsql
AS $$
DECLARE
    new_version integer;
BEGIN
    IF p_version IS NULL THEN
        -- First write: only if nobody else created the row meanwhile.
        INSERT INTO orleans_storage (service_id, grain_type_hash, grain_id_hash, grain_id_n0, grain_id_n1,
                                     grain_type, grain_id_extension, payload_binary, version)
        VALUES (p_service_id, p_grain_type_hash, p_grain_id_hash, p_grain_id_n0, p_grain_id_n1,
                p_grain_type, p_grain_id_extension, p_payload, 1)
        ON CONFLICT ON CONSTRAINT orleans_storage_grain_key DO NOTHING
        RETURNING version INTO new_version;
    ELSE
        UPDATE orleans_storage
           SET payload_binary = p_payload, version = version + 1, modified_on = now()
         WHERE service_id = p_service_id AND grain_type_hash = p_grain_type_hash
           AND grain_id_hash = p_grain_id_hash AND grain_id_n0 = p_grain_id_n0 AND grain_id_n1 = p_grain_id_n1
           AND grain_type = p_grain_type AND grain_id_extension IS NOT DISTINCT FROM p_grain_id_extension
           AND version = p_version
        RETURNING version INTO new_version;
    END IF;
    RETURN new_version;
END;
$$;

-- Clear keeps the row (payload NULL) so the version keeps counting and a stale writer still conflicts.
CREATE OR REPLACE FUNCTION orleans_storage_clear(
    p_grain_id_hash integer, p_grain_id_n0 bigint, p_grain_id_n1 bigint, p_grain_type_hash integer,
    p_grain_type text, p_grain_id_extension text, p_service_id text, p_version integer)
RETURNS integer
LANGUAGE sql
AS $$
    UPDATE orleans_storage
       SET payload_binary = NULL, version = version + 1, modified_on = now()
     WHERE service_id = p_service_id AND grain_type_hash = p_grain_type_hash
       AND grain_id_hash = p_grain_id_hash AND grain_id_n0 = p_grain_id_n0 AND grain_id_n1 = p_grain_id_n1
       AND grain_type = p_grain_type AND grain_id_extension IS NOT DISTINCT FROM p_grain_id_extension
       AND version = p_version
    RETURNING version;
$$;

-- Used instead of clear when DeleteStateOnClear is on: the row goes away and the grain's etag becomes null.
CREATE OR REPLACE FUNCTION orleans_storage_delete(
    p_grain_id_hash integer, p_grain_id_n0 bigint, p_grain_id_n1 bigint, p_grain_type_hash integer,
    p_grain_type text, p_grain_id_extension text, p_service_id text, p_version integer)
RETURNS integer
LANGUAGE sql
AS $$
    DELETE FROM orleans_storage
     WHERE service_id = p_service_id AND grain_type_hash = p_grain_type_hash
       AND grain_id_hash = p_grain_id_hash AND grain_id_n0 = p_grain_id_n0 AND grain_id_n1 = p_grain_id_n1
       AND grain_type = p_grain_type AND grain_id_extension IS NOT DISTINCT FROM p_grain_id_extension
       AND version = p_version
    RETURNING version + 1;
$$;

INSERT INTO orleansquery (querykey, querytext) VALUES
('ReadFromStorageKey', '
SELECT payload_binary AS "PayloadBinary", version AS "Version"
  FROM orleans_storage
 WHERE service_id = @ServiceId AND grain_type_hash = @GrainTypeHash AND grain_id_hash = @GrainIdHash
   AND grain_id_n0 = @GrainIdN0 AND grain_id_n1 = @GrainIdN1 AND grain_type = @GrainTypeString
   AND grain_id_extension IS NOT DISTINCT FROM @GrainIdExtensionString;'),
('WriteToStorageKey', '
SELECT orleans_storage_write(@GrainIdHash, @GrainIdN0, @GrainIdN1, @GrainTypeHash, @GrainTypeString,
                             @GrainIdExtensionString, @ServiceId, @GrainStateVersion, @PayloadBinary)
       AS "NewGrainStateVersion";'),
('ClearStorageKey', '
SELECT orleans_storage_clear(@GrainIdHash, @GrainIdN0, @GrainIdN1, @GrainTypeHash, @GrainTypeString,
                             @GrainIdExtensionString, @ServiceId, @GrainStateVersion) AS "Version";'),
('DeleteStorageKey', '
SELECT orleans_storage_delete(@GrainIdHash, @GrainIdN0, @GrainIdN1, @GrainTypeHash, @GrainTypeString,
                              @GrainIdExtensionString, @ServiceId, @GrainStateVersion) AS "Version";')
ON CONFLICT (querykey) DO UPDATE SET querytext = EXCLUDED.querytext;

INSERT INTO otlpgrains_schema_version (version, description)
VALUES (3, 'Orleans persistence: grain state table and queries')
ON CONFLICT (version) DO NOTHING;
