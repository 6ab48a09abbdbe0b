using Npgsql;
using NpgsqlTypes;
using Orleans.Serialization;
using OtlpGrains.Grains.Services;

namespace OtlpGrains.Silo.Storage;

/// <summary>
/// The per-service batch log in PostgreSQL (<c>otlpgrains_service_batches</c>, script 0005). Each append is its own
/// committed insert, so when it returns the batch survives a crash; the payload is the Orleans binary encoding of
/// the batch.
/// </summary>
internal sealed class PostgresServiceBatchLog(NpgsqlDataSource dataSource, Serializer serializer) : IServiceBatchLog
{
    public bool IsDurable => true;

    public async Task<bool> AppendAsync(string service, long sequence, LoggedBatch batch, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(
            "INSERT INTO otlpgrains_service_batches (service, sequence, batch_id, payload) VALUES ($1, $2, $3, $4) " +
            "ON CONFLICT (service, batch_id) DO NOTHING");
        command.Parameters.Add(new NpgsqlParameter { Value = service, NpgsqlDbType = NpgsqlDbType.Text });
        command.Parameters.Add(new NpgsqlParameter { Value = sequence, NpgsqlDbType = NpgsqlDbType.Bigint });
        command.Parameters.Add(new NpgsqlParameter { Value = batch.BatchId, NpgsqlDbType = NpgsqlDbType.Uuid });
        command.Parameters.Add(new NpgsqlParameter { Value = serializer.SerializeToArray(batch), NpgsqlDbType = NpgsqlDbType.Bytea });
        return await command.ExecuteNonQueryAsync(cancellationToken) == 1;
    }

    public async Task<IReadOnlyList<(long Sequence, LoggedBatch Batch)>> ReadAfterAsync(string service, long afterSequence, int max, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(
            "SELECT sequence, payload FROM otlpgrains_service_batches WHERE service = $1 AND sequence > $2 ORDER BY sequence LIMIT $3");
        command.Parameters.Add(new NpgsqlParameter { Value = service, NpgsqlDbType = NpgsqlDbType.Text });
        command.Parameters.Add(new NpgsqlParameter { Value = afterSequence, NpgsqlDbType = NpgsqlDbType.Bigint });
        command.Parameters.Add(new NpgsqlParameter { Value = max, NpgsqlDbType = NpgsqlDbType.Integer });
        var batches = new List<(long, LoggedBatch)>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            var payload = reader.GetFieldValue<byte[]>(1);
            var batch = serializer.Deserialize<LoggedBatch>(payload) ?? throw new InvalidDataException($"empty batch {reader.GetInt64(0)} in the log of {service}");
            batches.Add((reader.GetInt64(0), batch));
        }

        return batches;
    }

    public async Task<long> PruneAsync(string service, long throughSequence, TimeSpan olderThan, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(
            "DELETE FROM otlpgrains_service_batches WHERE service = $1 AND sequence <= $2 AND appended_at < now() - $3");
        command.Parameters.Add(new NpgsqlParameter { Value = service, NpgsqlDbType = NpgsqlDbType.Text });
        command.Parameters.Add(new NpgsqlParameter { Value = throughSequence, NpgsqlDbType = NpgsqlDbType.Bigint });
        command.Parameters.Add(new NpgsqlParameter { Value = olderThan, NpgsqlDbType = NpgsqlDbType.Interval });
        return await command.ExecuteNonQueryAsync(cancellationToken);
    }
}
