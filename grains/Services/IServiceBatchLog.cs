namespace OtlpGrains.Grains.Services;

/// <summary>
/// The durable, append-only log of the batches each service accepted, numbered in increasing order per service (a
/// number whose append failed or found a duplicate stays unused). A service grain appends a batch before it counts
/// it and before the gateway acknowledges it; after a crash it restores its last checkpoint and replays the batches
/// after the checkpoint's position, so every acknowledged batch is counted exactly once.
/// </summary>
/// <remarks>
/// Each activation first fences the service's log (<see cref="FenceAsync"/>) and then appends and replays under the
/// epoch it got. Two activations may run at once for a moment, and an append whose caller gave up may still commit;
/// the fence makes both harmless: once an activation has fenced, no append of an earlier one commits, so its replay
/// sees every row it must count, and no row can appear later below its position (<c>tools/model/ingest.pml</c>).
/// </remarks>
public interface IServiceBatchLog
{
    /// <summary>False when batches are not kept (in-memory mode): nothing to fence, append, replay or prune.</summary>
    bool IsDurable { get; }

    /// <summary>
    /// Raises the service's epoch and returns it, once every append made under an earlier epoch has committed or
    /// failed. From then on appends and reads under an earlier epoch fail with <see cref="LogFencedException"/>.
    /// </summary>
    Task<long> FenceAsync(string service, CancellationToken cancellationToken);

    /// <summary>
    /// Appends <paramref name="batch"/> as number <paramref name="sequence"/> of <paramref name="service"/>, and
    /// completes only once the append is committed (concurrent appends may share one commit). Returns false,
    /// appending nothing, when the service's log already holds a batch with the same id (a retried request). Throws
    /// <see cref="LogFencedException"/> when <paramref name="epoch"/> is no longer the service's, and other exceptions
    /// when the batch may not be stored; the caller must not count it then. A service may have several appends in
    /// flight, each under its own number.
    /// </summary>
    Task<bool> AppendAsync(string service, long sequence, LoggedBatch batch, long epoch, CancellationToken cancellationToken);

    /// <summary>
    /// Up to <paramref name="max"/> batches numbered above <paramref name="afterSequence"/>, in order; throws
    /// <see cref="LogFencedException"/> when <paramref name="epoch"/> is no longer the service's.
    /// </summary>
    Task<IReadOnlyList<(long Sequence, LoggedBatch Batch)>> ReadAfterAsync(string service, long afterSequence, int max, long epoch, CancellationToken cancellationToken);

    /// <summary>Removes batches numbered up to <paramref name="throughSequence"/> that are older than <paramref name="olderThan"/>; returns how many.</summary>
    Task<long> PruneAsync(string service, long throughSequence, TimeSpan olderThan, CancellationToken cancellationToken);
}
