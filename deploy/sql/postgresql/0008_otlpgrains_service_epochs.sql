-- 0008: the fence of each service's batch log, so that a batch is never left uncounted below a grain's position.
--   Orleans may run two activations of a service grain at once for a moment, and an INSERT whose client gave up (a
--   timeout, a killed silo) may still commit later. Each activation raises its service's epoch here before it replays
--   the log; every append carries its activation's epoch, holds the epoch row FOR SHARE, and is refused when the
--   epoch moved on. Raising the epoch waits for the appends that hold the row, so once it is raised no older append
--   can commit, and the replay that follows sees every row an earlier activation will ever write.
--   The model of this protocol is tools/model/ingest.pml (FENCED_LOG). One row per service; never pruned.
-- Idempotent: safe to run again.

CREATE TABLE IF NOT EXISTS otlpgrains_service_epochs
(
    service text   NOT NULL PRIMARY KEY,
    epoch   bigint NOT NULL
);

INSERT INTO otlpgrains_schema_version (version, description)
VALUES (8, 'OtlpGrains service log epochs (fencing)')
ON CONFLICT (version) DO NOTHING;
