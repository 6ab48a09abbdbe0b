-- 0005: the durable per-service batch log behind "ack means counted exactly once".
--   A service grain appends every batch it accepts, numbered 1, 2, 3... per service, before it counts it and
--   before the gateway acknowledges the request. Its checkpoint (grain state) records the last number it
--   includes; after a crash the grain replays the rows after it. batch_id is the request's content hash, so a
--   sender's retry of a batch already logged is recognised and skipped.
--   Housekeeping (a reminder per service) deletes rows a checkpoint includes once they are older than the retry
--   window.
-- Idempotent: safe to run again.

CREATE TABLE IF NOT EXISTS otlpgrains_service_batches
(
    service     text        NOT NULL,
    sequence    bigint      NOT NULL,
    batch_id    uuid        NOT NULL,
    payload     bytea       NOT NULL,
    appended_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (service, sequence)
);

CREATE UNIQUE INDEX IF NOT EXISTS otlpgrains_service_batches_batch_id
    ON otlpgrains_service_batches (service, batch_id);

INSERT INTO otlpgrains_schema_version (version, description)
VALUES (5, 'OtlpGrains per-service batch log')
ON CONFLICT (version) DO NOTHING;
