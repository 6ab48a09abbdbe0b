using OtlpGrains.Models.Services;

namespace OtlpGrains.Models.Detection;

/// <summary>
/// Saturation in the USE method's sense, on a service's utilisation series (<see cref="Utilization.IsUtilization"/>:
/// a ratio of a limit or a capacity, such as <c>k8s.pod.cpu_limit_utilization</c>). A series that has read below
/// <see cref="SaturatedAt"/> and now reads at or above it is saturated; it stays so through windows without a reading
/// (a scrape can be a minute apart) until a reading below, or until <see cref="StaleNanos"/> pass without one. A series
/// never seen below is at its norm (a pod sized to run hot) and says nothing. The convention's unit is <c>1</c>; a series
/// that reads above <see cref="NotARatioAbove"/> is in percent or some other unit, and is left alone from then on.
/// </summary>
/// <remarks>
/// Why a fixed level and not a learned threshold: resource gauges come once per scrape, so a learned threshold needs
/// hours of them before its first verdict, while a resource near its limit queues work whatever its history. 80% is
/// the usual alerting level for CPU and memory against a limit.
/// </remarks>
[GenerateSerializer, Alias("otlpgrains.SaturationDetection")]
public sealed class SaturationDetection
{
    /// <summary>The share of its limit at which a resource counts as saturated.</summary>
    public const double SaturatedAt = 0.8;

    /// <summary>The share of its limit from which a saturation is critical.</summary>
    public const double CriticalAt = 0.9;

    /// <summary>A reading above this is not a share of a limit (a limit can be overrun a little, not twice).</summary>
    public const double NotARatioAbove = 2;

    /// <summary>How long a saturated series with no new reading stays saturated: Prometheus' five-minute lookback.</summary>
    public const long StaleNanos = 300_000_000_000;

    // Bounded by the service's metric series cap: one entry per utilisation series.
    [Id(0)] private readonly Dictionary<string, double> _usual = [];
    [Id(1)] private readonly Dictionary<string, Saturation> _saturated = [];
    [Id(2)] private readonly HashSet<string> _notRatios = [];

    /// <summary>
    /// Takes a closed metric window in (in close order) and returns the series saturated in it, highest first.
    /// </summary>
    public Saturation[] Judge(ClosedWindow window)
    {
        ArgumentNullException.ThrowIfNull(window);
        for (int i = 0; i < window.Features.Length && i < window.Names.Count; i++)
        {
            string name = window.Names[i];
            double value = window.Features[i];
            if (double.IsNaN(value) || !Utilization.IsUtilization(name) || _notRatios.Contains(name))
            {
                continue;
            }

            if (value > NotARatioAbove)
            {
                _notRatios.Add(name);
                _usual.Remove(name);
                _saturated.Remove(name);
                continue;
            }

            if (value < SaturatedAt)
            {
                _usual[name] = value;
                _saturated.Remove(name);
            }
            else if (_usual.TryGetValue(name, out double usual))
            {
                long onset = _saturated.TryGetValue(name, out Saturation? open) ? open.OnsetUnixNano : window.StartUnixNano;
                _saturated[name] = new Saturation(name, value, usual, onset, window.StartUnixNano);
            }
        }

        if (_saturated.Count == 0)
        {
            return [];
        }

        foreach (Saturation stale in _saturated.Values.Where(s => window.StartUnixNano - s.ReadUnixNano >= StaleNanos).ToArray())
        {
            _saturated.Remove(stale.Name);
        }

        return [.. _saturated.Values.OrderByDescending(s => s.Value).ThenBy(s => s.Name, StringComparer.Ordinal)];
    }
}

/// <summary>
/// A saturated utilisation series: its last reading, its last reading below saturation, when it first read saturated,
/// and the start of the window of its last reading.
/// </summary>
[GenerateSerializer, Immutable, Alias("otlpgrains.Saturation")]
public sealed record Saturation(
    [property: Id(0)] string Name,
    [property: Id(1)] double Value,
    [property: Id(2)] double Usual,
    [property: Id(3)] long OnsetUnixNano,
    [property: Id(4)] long ReadUnixNano)
{
    /// <summary>What a saturation's signal name on anomaly events starts with; the series' name follows.</summary>
    public const string SignalPrefix = "saturation ";

    /// <summary>The signal name on anomaly events: <c>saturation</c> and the series.</summary>
    public string Signal => SignalPrefix + Name;
}
