using Npgsql;
using NpgsqlTypes;
using Orleans.Serialization;
using OtlpGrains.Grains.Services;
using OtlpGrains.Models.Services;

namespace OtlpGrains.Silo.Storage;

/// <summary>
/// The per-service store of sealed windows in PostgreSQL (<c>otlpgrains_service_windows</c>, script 0006). A write is
/// one round trip: the covered ranges are emptied and the windows inserted in one implicit transaction. The payload
/// is the Orleans binary encoding of the window.
/// </summary>
internal sealed class PostgresServiceWindowStore(NpgsqlDataSource dataSource, Serializer serializer) : IServiceWindowStore
{
    public async Task WriteAsync(string service, SealedWindowBatch batch, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(batch);
        await using var write = dataSource.CreateBatch();
        var clear = new NpgsqlBatchCommand(
            "DELETE FROM otlpgrains_service_windows w USING unnest($2::smallint[], $3::bigint[], $4::bigint[]) AS r(signal, from_start, to_start) " +
            "WHERE w.service = $1 AND w.signal = r.signal AND w.window_start >= r.from_start AND w.window_start < r.to_start");
        clear.Parameters.Add(Text(service));
        clear.Parameters.Add(new NpgsqlParameter { Value = batch.Ranges.Select(r => (short)r.Signal).ToArray(), NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Smallint });
        clear.Parameters.Add(new NpgsqlParameter { Value = batch.Ranges.Select(r => r.FromUnixNano).ToArray(), NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Bigint });
        clear.Parameters.Add(new NpgsqlParameter { Value = batch.Ranges.Select(r => r.ToUnixNano).ToArray(), NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Bigint });
        write.BatchCommands.Add(clear);

        if (batch.Windows.Count > 0)
        {
            var insert = new NpgsqlBatchCommand(
                "INSERT INTO otlpgrains_service_windows (service, signal, window_start, payload) " +
                "SELECT $1, * FROM unnest($2::smallint[], $3::bigint[], $4::bytea[]) " +
                "ON CONFLICT (service, signal, window_start) DO UPDATE SET payload = excluded.payload");
            insert.Parameters.Add(Text(service));
            insert.Parameters.Add(new NpgsqlParameter { Value = batch.Windows.Select(w => (short)w.Signal).ToArray(), NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Smallint });
            insert.Parameters.Add(new NpgsqlParameter { Value = batch.Windows.Select(w => w.StartUnixNano).ToArray(), NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Bigint });
            insert.Parameters.Add(new NpgsqlParameter { Value = batch.Windows.Select(w => serializer.SerializeToArray(w)).ToArray(), NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Bytea });
            write.BatchCommands.Add(insert);
        }

        await write.ExecuteNonQueryAsync(cancellationToken);
    }

    public async Task<IReadOnlyList<SealedWindow>> ReadAsync(string service, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(
            "SELECT signal, window_start, payload FROM otlpgrains_service_windows WHERE service = $1 ORDER BY signal, window_start");
        command.Parameters.Add(Text(service));
        var windows = new List<SealedWindow>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            var window = serializer.Deserialize<SealedWindow>(reader.GetFieldValue<byte[]>(2))
                ?? throw new InvalidDataException($"empty stored window (signal {reader.GetInt16(0)}, start {reader.GetInt64(1)}) of {service}");
            windows.Add(window);
        }

        return windows;
    }

    public async Task<long> PruneAsync(string service, IReadOnlyList<WindowRetention> retained, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(retained);
        if (retained.Count == 0)
        {
            return 0;
        }

        await using var command = dataSource.CreateCommand(
            "DELETE FROM otlpgrains_service_windows w USING unnest($2::smallint[], $3::bigint[]) AS r(signal, keep_from) " +
            "WHERE w.service = $1 AND w.signal = r.signal AND w.window_start < r.keep_from");
        command.Parameters.Add(Text(service));
        command.Parameters.Add(new NpgsqlParameter { Value = retained.Select(r => (short)r.Signal).ToArray(), NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Smallint });
        command.Parameters.Add(new NpgsqlParameter { Value = retained.Select(r => r.FromUnixNano).ToArray(), NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Bigint });
        return await command.ExecuteNonQueryAsync(cancellationToken);
    }

    private static NpgsqlParameter Text(string value) => new() { Value = value, NpgsqlDbType = NpgsqlDbType.Text };
}
