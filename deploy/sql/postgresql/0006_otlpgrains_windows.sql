-- 0006: the per-service store of sealed windows behind incremental checkpoints.
--   A window of a service's signal (0 spans, 1 edge calls, 2 metric points, 3 log records) is sealed once it
--   ended at or before the signal's watermark minus the allowed lateness: no event can land in it any more. The
--   service grain writes each sealed window once, here, before the checkpoint (grain state) that counts it as
--   stored; the checkpoint then carries only the windows that may still change. window_start is in unix
--   nanoseconds; payload is the Orleans binary encoding of the window.
--   Housekeeping (a reminder per service) deletes windows that fell out of retention.
-- Idempotent: safe to run again.

CREATE TABLE IF NOT EXISTS otlpgrains_service_windows
(
    service      text     NOT NULL,
    signal       smallint NOT NULL,
    window_start bigint   NOT NULL,
    payload      bytea    NOT NULL,
    PRIMARY KEY (service, signal, window_start)
);

INSERT INTO otlpgrains_schema_version (version, description)
VALUES (6, 'OtlpGrains per-service sealed windows')
ON CONFLICT (version) DO NOTHING;
