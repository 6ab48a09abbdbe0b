using Npgsql;
using NpgsqlTypes;
using Orleans.Serialization;
using OtlpGrains.Grains.Services;

namespace OtlpGrains.Silo.Storage;

/// <summary>
/// The per-service batch log in PostgreSQL (<c>otlpgrains_service_batches</c>, script 0005). Appends go through the
/// silo's <see cref="GroupCommitAppender"/>: concurrent appends of all the silo's services share one committed
/// insert, and each returns only after that commit, so when it returns the batch survives a crash. The payload is
/// the Orleans binary encoding of the batch, made by the appender's writer rather than in the grain turn.
/// </summary>
internal sealed class PostgresServiceBatchLog(NpgsqlDataSource dataSource, Serializer serializer, GroupCommitAppender appender) : IServiceBatchLog
{
    public bool IsDurable => true;

    public Task<bool> AppendAsync(string service, long sequence, LoggedBatch batch, CancellationToken cancellationToken) =>
        appender.AppendAsync(service, sequence, batch, cancellationToken);

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
