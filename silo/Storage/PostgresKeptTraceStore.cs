using Npgsql;
using NpgsqlTypes;
using Orleans.Serialization;
using OtlpGrains.Grains.Traces;
using OtlpGrains.Interfaces;

namespace OtlpGrains.Silo.Storage;

/// <summary>
/// The table of kept traces in durable mode (<c>otlpgrains_kept_traces</c>, script 0007): one row per trace id, the
/// first view kept of a trace wins. <see cref="KeptTraceWriter"/> inserts the shards' kept traces through it in
/// batches, and the trace grains read them. Needs no grain call, so a shard that drains while its silo stops still
/// reaches the table.
/// </summary>
internal sealed class PostgresKeptTraceStore(NpgsqlDataSource dataSource, Serializer serializer)
{
    public async Task<TraceView?> ReadAsync(string traceId, CancellationToken cancellationToken = default)
    {
        await using var command = dataSource.CreateCommand("SELECT payload FROM otlpgrains_kept_traces WHERE trace_id = $1");
        command.Parameters.Add(new NpgsqlParameter { Value = traceId, NpgsqlDbType = NpgsqlDbType.Text });
        return await command.ExecuteScalarAsync(cancellationToken) is byte[] payload
            ? serializer.Deserialize<KeptTrace>(payload)?.View
            : null;
    }

    /// <summary>The views kept under any of <paramref name="keys"/>, by key (one statement on the primary key).</summary>
    public async Task<IReadOnlyList<(string Key, TraceView View)>> ReadManyAsync(string[] keys, CancellationToken cancellationToken = default)
    {
        await using var command = dataSource.CreateCommand("SELECT trace_id, payload FROM otlpgrains_kept_traces WHERE trace_id = ANY($1)");
        command.Parameters.Add(new NpgsqlParameter { Value = keys, NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text });
        var found = new List<(string, TraceView)>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            if (serializer.Deserialize<KeptTrace>((byte[])reader[1])?.View is { } view)
            {
                found.Add((reader.GetString(0), view));
            }
        }

        return found;
    }

    /// <summary>
    /// Inserts the traces in one statement and one commit; a trace already in the table (or earlier in the batch) is
    /// left as it is. Returns how many rows were added.
    /// </summary>
    public async Task<int> InsertAsync(IReadOnlyList<UnwrittenTrace> traces, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(traces);
        var ids = new string[traces.Count];
        var keptAt = new DateTimeOffset[traces.Count];
        var payloads = new byte[traces.Count][];
        for (var i = 0; i < traces.Count; i++)
        {
            ids[i] = traces[i].TraceId;
            keptAt[i] = traces[i].KeptAt;
            payloads[i] = serializer.SerializeToArray(new KeptTrace { View = traces[i].View });
        }

        // ORDINALITY keeps the batch's order, so that within a batch too the first view of a trace is the one kept.
        await using var command = dataSource.CreateCommand(
            "INSERT INTO otlpgrains_kept_traces (trace_id, kept_at, version, payload) " +
            "SELECT t.trace_id, t.kept_at, 1, t.payload FROM unnest($1, $2, $3) WITH ORDINALITY AS t(trace_id, kept_at, payload, n) ORDER BY t.n " +
            "ON CONFLICT (trace_id) DO NOTHING");
        command.Parameters.Add(new NpgsqlParameter { Value = ids, NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text });
        command.Parameters.Add(new NpgsqlParameter { Value = keptAt, NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.TimestampTz });
        command.Parameters.Add(new NpgsqlParameter { Value = payloads, NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Bytea });
        return await command.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>
    /// Deletes the traces kept before <paramref name="keptBefore"/>, then the oldest beyond <paramref name="maxTraces"/>.
    /// Safe to run on several silos at once: a row is deleted once, and each run counts only the rows it deleted.
    /// </summary>
    public async Task<KeptTracesPruned> PruneAsync(int maxTraces, DateTimeOffset keptBefore, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(maxTraces);
        await using var byAge = dataSource.CreateCommand("DELETE FROM otlpgrains_kept_traces WHERE kept_at < $1");
        byAge.Parameters.Add(new NpgsqlParameter { Value = keptBefore, NpgsqlDbType = NpgsqlDbType.TimestampTz });
        var aged = await byAge.ExecuteNonQueryAsync(cancellationToken);

        // The newest maxTraces stay (ties broken by id, so that every silo picks the same rows); the index on kept_at
        // walks them newest first.
        await using var byCount = dataSource.CreateCommand(
            "DELETE FROM otlpgrains_kept_traces WHERE trace_id IN " +
            "(SELECT trace_id FROM otlpgrains_kept_traces ORDER BY kept_at DESC, trace_id DESC OFFSET $1)");
        byCount.Parameters.Add(new NpgsqlParameter { Value = maxTraces, NpgsqlDbType = NpgsqlDbType.Integer });
        var beyond = await byCount.ExecuteNonQueryAsync(cancellationToken);
        return new KeptTracesPruned(aged, beyond);
    }
}

/// <summary>A kept trace not yet in the table, and when it was kept (the age pruning goes by).</summary>
internal sealed record UnwrittenTrace(string TraceId, TraceView View, DateTimeOffset KeptAt);

/// <summary>What one pruning pass deleted: traces past the age limit, and the oldest beyond the count limit.</summary>
internal readonly record struct KeptTracesPruned(int ByAge, int ByCount);
