using OtlpGrains.Grains.Services;

namespace OtlpGrains.Silo.Storage;

/// <summary>One grain's append, waiting in the silo's queue and then in a group for that group's commit.</summary>
internal sealed class PendingAppend(string service, long sequence, LoggedBatch batch, long epoch)
{
    // Continuations run on the grain's scheduler, never inline on the writer that completes a whole group.
    private readonly TaskCompletionSource<bool> _outcome = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public string Service { get; } = service;

    public long Sequence { get; } = sequence;

    public LoggedBatch Batch { get; } = batch;

    /// <summary>The epoch of the activation that appends (<see cref="IServiceBatchLog.FenceAsync"/>).</summary>
    public long Epoch { get; } = epoch;

    /// <summary>True once committed as a new row; false when the log already held the batch id; faulted when the group failed.</summary>
    public Task<bool> Outcome => _outcome.Task;

    public void Committed(bool inserted) => _outcome.TrySetResult(inserted);

    public void Failed(Exception exception) => _outcome.TrySetException(exception);
}
