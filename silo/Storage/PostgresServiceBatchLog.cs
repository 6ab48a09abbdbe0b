using Npgsql;
using NpgsqlTypes;
using Orleans.Serialization;
using OtlpGrains.Grains.Services;

namespace OtlpGrains.Silo.Storage;

/// <summary>
/// The per-service batch log in PostgreSQL (<c>otlpgrains_service_batches</c>, script 0005), fenced per service by
/// <c>otlpgrains_service_epochs</c> (script 0008). Appends go through the
/// silo's <see cref="GroupCommitAppender"/>: concurrent appends of all the silo's services share one committed
/// insert, and each returns only after that commit, so when it returns the batch survives a crash. The payload is
/// the Orleans binary encoding of the batch, made by the appender's writer rather than in the grain turn.
/// </summary>
internal sealed class PostgresServiceBatchLog(NpgsqlDataSource dataSource, Serializer serializer, GroupCommitAppender appender) : IServiceBatchLog
{
    public bool IsDurable => true;

    public async Task<long> FenceAsync(string service, CancellationToken cancellationToken)
    {
        // The update waits for every group that holds this service's epoch row FOR SHARE, so when it returns no append
        // under an earlier epoch is still to commit.
        await using var command = dataSource.CreateCommand(
            "INSERT INTO otlpgrains_service_epochs AS e (service, epoch) VALUES ($1, 1) " +
            "ON CONFLICT (service) DO UPDATE SET epoch = e.epoch + 1 RETURNING epoch");
        command.Parameters.Add(new NpgsqlParameter { Value = service, NpgsqlDbType = NpgsqlDbType.Text });
        return (long)(await command.ExecuteScalarAsync(cancellationToken) ?? throw new InvalidOperationException($"fencing the log of {service} returned no epoch"));
    }

    public Task<bool> AppendAsync(string service, long sequence, LoggedBatch batch, long epoch, CancellationToken cancellationToken) =>
        appender.AppendAsync(service, sequence, batch, epoch, cancellationToken);

    public async Task<IReadOnlyList<(long Sequence, LoggedBatch Batch)>> ReadAfterAsync(string service, long afterSequence, int max, long epoch, CancellationToken cancellationToken)
    {
        // The epoch comes with the page, in one snapshot: rows read under a fence that moved on may lack a newer
        // activation's appends that commit out of order, so such a page is refused rather than replayed.
        await using var command = dataSource.CreateCommand(
            "SELECT e.current, b.sequence, b.payload " +
            "FROM (SELECT COALESCE((SELECT epoch FROM otlpgrains_service_epochs WHERE service = $1), 0) AS current) e " +
            "LEFT JOIN LATERAL (SELECT sequence, payload FROM otlpgrains_service_batches WHERE service = $1 AND sequence > $2 ORDER BY sequence LIMIT $3) b ON true " +
            "ORDER BY b.sequence");
        command.Parameters.Add(new NpgsqlParameter { Value = service, NpgsqlDbType = NpgsqlDbType.Text });
        command.Parameters.Add(new NpgsqlParameter { Value = afterSequence, NpgsqlDbType = NpgsqlDbType.Bigint });
        command.Parameters.Add(new NpgsqlParameter { Value = max, NpgsqlDbType = NpgsqlDbType.Integer });
        var batches = new List<(long, LoggedBatch)>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            var current = reader.GetInt64(0);
            if (current != epoch)
            {
                throw LogFencedException.Of(service, epoch, current);
            }

            if (reader.IsDBNull(1))
            {
                break; // no batch after the position: the one row only carries the epoch
            }

            var payload = reader.GetFieldValue<byte[]>(2);
            var batch = serializer.Deserialize<LoggedBatch>(payload) ?? throw new InvalidDataException($"empty batch {reader.GetInt64(1)} in the log of {service}");
            batches.Add((reader.GetInt64(1), batch));
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
