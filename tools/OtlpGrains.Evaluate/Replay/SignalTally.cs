using Grpc.Core;

namespace OtlpGrains.Evaluate.Replay;

/// <summary>What was sent and acknowledged for one signal; updated from concurrent exports.</summary>
internal sealed class SignalTally(string signal, string unit)
{
    private long _requests;
    private long _items;
    private long _acknowledged;
    private long _rejected;
    private long _retries;
    private long _failedRequests;
    private long _failedItems;
    private string? _lastFailure;

    public string Signal { get; } = signal;

    /// <summary>Items handed to the exporter (in requests sent or about to be).</summary>
    public long Items => Interlocked.Read(ref _items);

    /// <summary>Items in acknowledged requests, minus the ones the server said it rejected.</summary>
    public long Acknowledged => Interlocked.Read(ref _acknowledged);

    public long Rejected => Interlocked.Read(ref _rejected);

    public long FailedItems => Interlocked.Read(ref _failedItems);

    public void Sending(int items)
    {
        Interlocked.Increment(ref _requests);
        Interlocked.Add(ref _items, items);
    }

    public void Acknowledge(int items, long rejected)
    {
        Interlocked.Add(ref _acknowledged, items - rejected);
        Interlocked.Add(ref _rejected, rejected);
    }

    public void Retried() => Interlocked.Increment(ref _retries);

    public void Failed(int items, RpcException ex)
    {
        Interlocked.Increment(ref _failedRequests);
        Interlocked.Add(ref _failedItems, items);
        Volatile.Write(ref _lastFailure, $"{ex.StatusCode}: {ex.Status.Detail}");
    }

    public override string ToString() =>
        $"{Signal}: sent {Items} {unit} in {Interlocked.Read(ref _requests)} requests, acknowledged {Acknowledged}, " +
        $"rejected {Rejected}, retries {Interlocked.Read(ref _retries)}, failed requests {Interlocked.Read(ref _failedRequests)}" +
        (Volatile.Read(ref _lastFailure) is { } last ? $" (last: {last})" : "");
}
