using System.Diagnostics;

namespace OtlpGrains.LoadTool;

/// <summary>
/// Spreads requests evenly at a fixed rate across all senders (<c>--rate</c>), so that a service's request rate is
/// steady and only the fault changes it; without a rate every sender sends as fast as it is acknowledged.
/// </summary>
internal sealed class RequestPacer(double? requestsPerSecond)
{
    private readonly long _start = Stopwatch.GetTimestamp();
    private long _issued;

    /// <summary>Waits until the next request's turn.</summary>
    public async ValueTask WaitTurnAsync(CancellationToken ct)
    {
        if (requestsPerSecond is not double rate)
        {
            return;
        }

        long turn = Interlocked.Increment(ref _issued) - 1;
        long due = _start + (long)(turn / rate * Stopwatch.Frequency);
        long wait = due - Stopwatch.GetTimestamp();
        if (wait > 0)
        {
            await Task.Delay(TimeSpan.FromSeconds((double)wait / Stopwatch.Frequency), ct);
        }
    }
}
