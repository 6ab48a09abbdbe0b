using Npgsql;
using NpgsqlTypes;
using Orleans.Serialization;
using Orleans.Storage;

namespace OtlpGrains.Silo.Storage;

/// <summary>
/// The kept-trace store of durable mode (<c>otlpgrains_kept_traces</c>, script 0007): the grain storage
/// <c>StorageNames.KeptTraces</c> that the trace shards write and <c>TraceGrain</c> reads, one row per trace id (the
/// string key of the trace's grain id). The shards write from their own turn straight to the database, so storing a
/// kept trace needs no grain call, and a shard that drains while its silo stops still reaches the store.
/// </summary>
/// <remarks>
/// Writes are last-write-wins (the etag is the row's write count and is not checked): a trace is written by the one
/// shard its id hashes to, which reads before it writes so as not to replace a fuller view. The state name is not
/// part of the key, because the store holds one kind of state.
/// </remarks>
internal sealed class PostgresKeptTraceStore(NpgsqlDataSource dataSource, Serializer serializer, TimeProvider time) : IGrainStorage
{
    public async Task ReadStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        ArgumentNullException.ThrowIfNull(grainState);
        await using var command = dataSource.CreateCommand("SELECT version, payload FROM otlpgrains_kept_traces WHERE trace_id = $1");
        command.Parameters.Add(TraceId(grainId));
        await using var reader = await command.ExecuteReaderAsync();
        if (!await reader.ReadAsync())
        {
            grainState.RecordExists = false;
            grainState.ETag = null;
            return;
        }

        grainState.ETag = ETag(reader.GetInt32(0));
        grainState.State = serializer.Deserialize<T>(reader.GetFieldValue<byte[]>(1));
        grainState.RecordExists = true;
    }

    public async Task WriteStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        ArgumentNullException.ThrowIfNull(grainState);
        await using var command = dataSource.CreateCommand(
            "INSERT INTO otlpgrains_kept_traces AS t (trace_id, kept_at, version, payload) VALUES ($1, $2, 1, $3) " +
            "ON CONFLICT (trace_id) DO UPDATE SET kept_at = excluded.kept_at, version = t.version + 1, payload = excluded.payload " +
            "RETURNING version");
        command.Parameters.Add(TraceId(grainId));
        command.Parameters.Add(new NpgsqlParameter { Value = time.GetUtcNow(), NpgsqlDbType = NpgsqlDbType.TimestampTz });
        command.Parameters.Add(new NpgsqlParameter { Value = serializer.SerializeToArray(grainState.State), NpgsqlDbType = NpgsqlDbType.Bytea });
        var version = await command.ExecuteScalarAsync() as int?
            ?? throw new InvalidOperationException($"writing kept trace {grainId.Key} returned no version");
        grainState.ETag = ETag(version);
        grainState.RecordExists = true;
    }

    public async Task ClearStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        ArgumentNullException.ThrowIfNull(grainState);
        await using var command = dataSource.CreateCommand("DELETE FROM otlpgrains_kept_traces WHERE trace_id = $1");
        command.Parameters.Add(TraceId(grainId));
        await command.ExecuteNonQueryAsync();
        grainState.RecordExists = false;
        grainState.ETag = null;
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

    private static NpgsqlParameter TraceId(GrainId grainId) => new() { Value = grainId.Key.ToString(), NpgsqlDbType = NpgsqlDbType.Text };

    private static string ETag(int version) => version.ToString(System.Globalization.CultureInfo.InvariantCulture);
}

/// <summary>What one pruning pass deleted: traces past the age limit, and the oldest beyond the count limit.</summary>
internal readonly record struct KeptTracesPruned(int ByAge, int ByCount);
