namespace OtlpGrains.Grains.Services;

/// <summary>
/// The durable, append-only log of the batches each service accepted, numbered in increasing order per service (a
/// number whose append failed or found a duplicate stays unused). A service grain appends a batch before it counts
/// it and before the gateway acknowledges it; after a crash it restores its last checkpoint and replays the batches
/// after the checkpoint's position, so every acknowledged batch is counted exactly once.
/// </summary>
public interface IServiceBatchLog
{
    /// <summary>False when batches are not kept (in-memory mode): nothing to append, replay or prune.</summary>
    bool IsDurable { get; }

    /// <summary>
    /// Appends <paramref name="batch"/> as number <paramref name="sequence"/> of <paramref name="service"/>, and
    /// completes only once the append is committed (concurrent appends may share one commit). Returns false,
    /// appending nothing, when the service's log already holds a batch with the same id (a retried request). Throws
    /// when the batch may not be stored; the caller must not count it then. A service may have several appends in
    /// flight, each under its own number.
    /// </summary>
    Task<bool> AppendAsync(string service, long sequence, LoggedBatch batch, CancellationToken cancellationToken);

    /// <summary>Up to <paramref name="max"/> batches numbered above <paramref name="afterSequence"/>, in order.</summary>
    Task<IReadOnlyList<(long Sequence, LoggedBatch Batch)>> ReadAfterAsync(string service, long afterSequence, int max, CancellationToken cancellationToken);

    /// <summary>Removes batches numbered up to <paramref name="throughSequence"/> that are older than <paramref name="olderThan"/>; returns how many.</summary>
    Task<long> PruneAsync(string service, long throughSequence, TimeSpan olderThan, CancellationToken cancellationToken);
}
