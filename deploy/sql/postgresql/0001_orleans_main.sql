-- 0001: the bookkeeping every later script relies on.
--   otlpgrains_schema_version: one row per applied script (the installer skips scripts already listed here).
--   orleansquery: the SQL text the Orleans ADO.NET providers load at start-up, keyed by query name. The providers
--   issue "SELECT QueryKey, QueryText FROM OrleansQuery" unquoted, so the table and columns are lower case here.
-- Idempotent: safe to run again; requires PostgreSQL 15 or newer (later scripts use UNIQUE NULLS NOT DISTINCT).

CREATE TABLE IF NOT EXISTS otlpgrains_schema_version
(
    version     integer     NOT NULL PRIMARY KEY,
    description text        NOT NULL,
    applied_at  timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE IF NOT EXISTS orleansquery
(
    querykey  varchar(64) NOT NULL PRIMARY KEY,
    querytext text        NOT NULL
);

INSERT INTO otlpgrains_schema_version (version, description)
VALUES (1, 'Orleans main: schema version table and OrleansQuery')
ON CONFLICT (version) DO NOTHING;
