using OtlpGrains.Interfaces;

namespace OtlpGrains.Models.Detection.Thresholds;

/// <summary>
/// What a service's adaptive thresholds made of one window's scores: the severity, the score, the threshold in force
/// (the critical one for a critical verdict, else the warning one), and the signals that drove it, strongest first.
/// </summary>
[GenerateSerializer, Immutable, Alias("otlpgrains.AnomalyVerdict")]
public sealed record AnomalyVerdict(
    [property: Id(0)] AnomalySeverity Severity,
    [property: Id(1)] double Score,
    [property: Id(2)] double Threshold,
    [property: Id(3)] string[] Signals)
{
    /// <summary>The indexes, in the window's vector, of <see cref="Signals"/>.</summary>
    [Id(4)] public int[] Drivers { get; init; } = [];

    /// <summary>
    /// True when the window did not cross a threshold itself but continues an anomaly opened before it, whose signals
    /// have not come back yet (see <see cref="AnomalyHold"/>).
    /// </summary>
    [Id(5)] public bool Held { get; init; }

    /// <summary>The start of the first window of the anomaly this window belongs to (0 for a normal window).</summary>
    [Id(6)] public long OnsetUnixNano { get; init; }

    /// <summary>True for a warning or critical verdict.</summary>
    public bool IsAnomalous => Severity != AnomalySeverity.None;

    /// <summary>
    /// Judges each signal of <paramref name="score"/> against its own threshold in <paramref name="thresholds"/>
    /// (which then learn it). The window is as severe as its most severe signal; the driving signals are those judged
    /// anomalous, strongest first, and the verdict carries the strongest one's score and threshold (critical or
    /// warning, as it was judged). A normal window carries the window's score and the warning threshold of its
    /// strongest signal. Signals are named by <paramref name="schema"/>, then by <paramref name="extraSignals"/> for
    /// the values past it (a service's metric series), then <c>signal{i}</c>.
    /// </summary>
    public static AnomalyVerdict Judge(
        SignalThresholds thresholds, AnomalyScore score, FeatureSchema schema, IReadOnlyList<string>? extraSignals, SpotOptions options)
    {
        ArgumentNullException.ThrowIfNull(thresholds);
        ArgumentNullException.ThrowIfNull(schema);
        double[] signalScores = score.SignalScores;
        Span<AnomalySeverity> severities = signalScores.Length <= 64
            ? stackalloc AnomalySeverity[signalScores.Length]
            : new AnomalySeverity[signalScores.Length];
        thresholds.Observe(signalScores, options, severities);

        var drivers = new List<int>();
        int strongest = -1;
        AnomalySeverity severity = AnomalySeverity.None;
        for (int i = 0; i < signalScores.Length; i++)
        {
            if (double.IsNaN(signalScores[i]))
            {
                continue;
            }

            if (severities[i] != AnomalySeverity.None)
            {
                drivers.Add(i);
                severity = (AnomalySeverity)Math.Max((int)severity, (int)severities[i]);
            }

            if (strongest < 0 || signalScores[i] > signalScores[strongest])
            {
                strongest = i;
            }
        }

        if (drivers.Count == 0)
        {
            double warning = strongest < 0 ? double.NaN : thresholds.Thresholds[SignalThresholds.SlotOf(strongest)].Warning;
            return new AnomalyVerdict(AnomalySeverity.None, score.Score, warning, []);
        }

        drivers.Sort((a, b) => signalScores[b].CompareTo(signalScores[a]));
        int lead = drivers[0];
        SpotThreshold leading = thresholds.Thresholds[SignalThresholds.SlotOf(lead)];
        double inForce = severities[lead] == AnomalySeverity.Critical ? leading.Critical : leading.Warning;
        return new AnomalyVerdict(severity, signalScores[lead], inForce, [.. drivers.Select(i => NameOf(i, schema, extraSignals))])
        {
            Drivers = [.. drivers],
        };
    }

    private static string NameOf(int index, FeatureSchema schema, IReadOnlyList<string>? extraSignals)
    {
        if (index < schema.Signals.Length)
        {
            return schema.Signals[index];
        }

        int extra = index - schema.Signals.Length;
        return extraSignals is not null && extra < extraSignals.Count ? extraSignals[extra] : $"signal{index}";
    }
}
