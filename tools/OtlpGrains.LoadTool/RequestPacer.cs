using System.Diagnostics;

namespace OtlpGrains.LoadTool;

/// <summary>
/// Spreads requests evenly at a fixed rate across all senders (<c>--rate</c>), so that a service's request rate is
/// steady and only the fault changes it; without a rate every sender sends as fast as it is acknowledged.
/// Each turn has a due time, and a paced request carries the event time of its due time, not of the moment it was
/// sent: a sender that falls behind (a slow acknowledgement, a starved machine) then sends late but still sends the
/// same steady rate in event time, rather than a gap followed by a burst that a detector rightly calls anomalous.
/// </summary>
internal sealed class RequestPacer(double? requestsPerSecond)
{
    private readonly long _start = Stopwatch.GetTimestamp();
    private long _issued;

    /// <summary>Waits until the next request's turn; returns its due time since the start, or null without a rate.</summary>
    public async ValueTask<TimeSpan?> WaitTurnAsync(CancellationToken ct)
    {
        if (requestsPerSecond is not double rate)
        {
            return null;
        }

        long turn = Interlocked.Increment(ref _issued) - 1;
        long due = _start + (long)(turn / rate * Stopwatch.Frequency);
        long wait = due - Stopwatch.GetTimestamp();
        if (wait > 0)
        {
            await Task.Delay(TimeSpan.FromSeconds((double)wait / Stopwatch.Frequency), ct);
        }

        return TimeSpan.FromSeconds(turn / rate);
    }
}
