using System.Diagnostics;

namespace OtlpGrains.LoadTool;

/// <summary>Hands out the right to send one more request: a fixed number in all, or until a deadline.</summary>
internal sealed class RequestBudget(long? requests, TimeSpan duration)
{
    private readonly long _deadline = Stopwatch.GetTimestamp() + (long)(duration.TotalSeconds * Stopwatch.Frequency);
    private long _taken;

    /// <summary>Requests handed out so far (may pass the total by the number of senders).</summary>
    public long Taken => Interlocked.Read(ref _taken);

    public bool TryTake()
    {
        long taken = Interlocked.Increment(ref _taken);
        return requests is long total ? taken <= total : Stopwatch.GetTimestamp() < _deadline;
    }
}
