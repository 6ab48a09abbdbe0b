namespace OtlpGrains.Grains.Services;

/// <summary>The in-memory mode: batches are counted but not logged, so a silo that stops loses its counts.</summary>
internal sealed class InMemoryOnlyBatchLog : IServiceBatchLog
{
    public bool IsDurable => false;

    public Task<long> FenceAsync(string service, CancellationToken cancellationToken) => Task.FromResult(0L);

    public Task<bool> AppendAsync(string service, long sequence, LoggedBatch batch, long epoch, CancellationToken cancellationToken) =>
        Task.FromResult(true);

    public Task<IReadOnlyList<(long Sequence, LoggedBatch Batch)>> ReadAfterAsync(string service, long afterSequence, int max, long epoch, CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<(long, LoggedBatch)>>([]);

    public Task<long> PruneAsync(string service, long throughSequence, TimeSpan olderThan, CancellationToken cancellationToken) =>
        Task.FromResult(0L);
}
