-- 0007: the traces tail sampling kept, in durable mode.
--   A trace shard (TraceShardGrain) completes a trace, tail sampling keeps it, and the shard writes it here once,
--   under its trace id; the query API (TraceGrain) reads it back for /api/v1/traces/{id}. kept_at is when it was
--   kept; payload is the Orleans binary encoding of the kept trace (grain state), version counts its writes (the
--   etag).
--   Pruning (a periodic service on every silo) deletes traces older than Traces:KeptTraceRetentionHours and the
--   oldest beyond Traces:MaxKeptTraces; the index on kept_at serves both.
-- Idempotent: safe to run again.

CREATE TABLE IF NOT EXISTS otlpgrains_kept_traces
(
    trace_id text        NOT NULL PRIMARY KEY,
    kept_at  timestamptz NOT NULL,
    version  integer     NOT NULL,
    payload  bytea       NOT NULL
);

CREATE INDEX IF NOT EXISTS otlpgrains_kept_traces_kept_at
    ON otlpgrains_kept_traces (kept_at);

INSERT INTO otlpgrains_schema_version (version, description)
VALUES (7, 'OtlpGrains kept traces')
ON CONFLICT (version) DO NOTHING;
