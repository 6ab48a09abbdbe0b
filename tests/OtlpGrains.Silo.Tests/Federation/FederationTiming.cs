using System.Globalization;

namespace OtlpGrains.Silo.Tests.Federation;

/// <summary>
/// The federation settings a test runs its clusters with: the summary interval, the cap on a failing peer's backoff
/// and the peer deadline, in seconds (<c>OtlpGrains:Federation:SummaryIntervalSeconds</c>, <c>MaxBackoffSeconds</c>,
/// <c>PeerTimeoutSeconds</c>).
/// </summary>
public sealed record FederationTiming(double SummaryIntervalSeconds, double MaxBackoffSeconds, double PeerTimeoutSeconds)
{
    /// <summary>The shared fixture's: pulls every half second, retries at least every 2 s, a 2 s deadline.</summary>
    public static readonly FederationTiming Quick = new(0.5, 2, 2);

    /// <summary>
    /// Outage tests': pulls every second and a 5 s cap, so that the backoff reaches its cap after four failures (about
    /// 10 s) and half a minute of outage holds the retries of several minutes at the defaults (10 s, 300 s).
    /// </summary>
    public static readonly FederationTiming Outage = new(1, 5, 2);

    public TimeSpan SummaryInterval => TimeSpan.FromSeconds(SummaryIntervalSeconds);

    public TimeSpan MaxBackoff => TimeSpan.FromSeconds(MaxBackoffSeconds);

    public TimeSpan PeerTimeout => TimeSpan.FromSeconds(PeerTimeoutSeconds);

    public override string ToString() =>
        string.Create(CultureInfo.InvariantCulture, $"interval {SummaryIntervalSeconds} s, cap {MaxBackoffSeconds} s, deadline {PeerTimeoutSeconds} s");

    /// <summary>The federation grain's timer tick: a quarter of the interval, within [0.1 s, 5 s].</summary>
    public TimeSpan Tick => TimeSpan.FromSeconds(Math.Clamp(SummaryIntervalSeconds / 4, 0.1, 5));
}
