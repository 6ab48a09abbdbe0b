namespace OtlpGrains.Grains.Traces;

/// <summary>
/// Sums what a shard's passes lost (kept traces not stored, traces judged without their p99) and says when to log
/// it: at most once per <see cref="Interval"/>, with everything since the last line, so that a database outage costs
/// one line a minute per shard rather than one per sweep.
/// </summary>
internal sealed class CompletionLosses(TimeProvider time)
{
    public static readonly TimeSpan Interval = TimeSpan.FromMinutes(1);

    private readonly CompletionPass _unreported = CompletionPass.Total();
    private long _lastReport = long.MinValue;

    /// <summary>Adds <paramref name="pass"/>; returns the losses to log now, or null (none, or logged too recently).</summary>
    public CompletionPass? Add(CompletionPass? pass)
    {
        if (pass is null || (!pass.Lost && !_unreported.Lost))
        {
            return null;
        }

        _unreported.Add(pass);
        long now = time.GetTimestamp();
        if (_lastReport != long.MinValue && time.GetElapsedTime(_lastReport, now) < Interval)
        {
            return null;
        }

        _lastReport = now;
        var report = CompletionPass.Total();
        report.Add(_unreported);
        _unreported.Clear();
        return report;
    }
}
