namespace OtlpGrains.Models.Federation;

/// <summary>
/// How long to wait before pulling a peer again after failures: the summary interval doubled per failure in a row,
/// capped, with "equal jitter" (half fixed, half random) so that clusters that lost a peer together do not retry it
/// in step.
/// </summary>
public sealed class PeerBackoff
{
    private readonly TimeSpan _interval;
    private readonly TimeSpan _cap;

    public PeerBackoff(TimeSpan interval, TimeSpan cap)
    {
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(interval, TimeSpan.Zero);
        ArgumentOutOfRangeException.ThrowIfLessThan(cap, interval);
        _interval = interval;
        _cap = cap;
    }

    /// <summary>
    /// The wait after <paramref name="failures"/> failures in a row (0: the plain interval), with
    /// <paramref name="unit"/> a draw in [0, 1): between half the capped exponential delay and all of it.
    /// </summary>
    public TimeSpan Delay(int failures, double unit)
    {
        if (failures <= 0)
        {
            return _interval;
        }

        // 2^30 intervals is past any cap; the exponent is bounded so the product cannot overflow.
        var exponential = _interval.TotalSeconds * Math.Pow(2, Math.Min(failures - 1, 30));
        var capped = Math.Min(exponential, _cap.TotalSeconds);
        return TimeSpan.FromSeconds((capped / 2) + (capped / 2 * Math.Clamp(unit, 0, 1)));
    }
}
