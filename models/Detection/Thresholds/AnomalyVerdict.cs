using OtlpGrains.Interfaces;

namespace OtlpGrains.Models.Detection.Thresholds;

/// <summary>
/// What a service's adaptive threshold made of one window's score: the severity, the score, the threshold in force
/// (the critical one for a critical verdict, else the warning one), and the signals that drove it, strongest first.
/// </summary>
[GenerateSerializer, Immutable, Alias("otlpgrains.AnomalyVerdict")]
public sealed record AnomalyVerdict(
    [property: Id(0)] AnomalySeverity Severity,
    [property: Id(1)] double Score,
    [property: Id(2)] double Threshold,
    [property: Id(3)] string[] Signals)
{
    /// <summary>True for a warning or critical verdict.</summary>
    public bool IsAnomalous => Severity != AnomalySeverity.None;

    /// <summary>
    /// Judges <paramref name="score"/> with <paramref name="threshold"/> (which then learns it). The driving signals
    /// are those whose own score crossed the warning threshold, or else the single strongest one; they are named by
    /// <paramref name="schema"/>, then by <paramref name="extraSignals"/> for the values past it (a service's metric
    /// series), then <c>signal{i}</c>.
    /// </summary>
    public static AnomalyVerdict Judge(
        SpotThreshold threshold, AnomalyScore score, FeatureSchema schema, IReadOnlyList<string>? extraSignals, SpotOptions options)
    {
        ArgumentNullException.ThrowIfNull(threshold);
        ArgumentNullException.ThrowIfNull(schema);
        AnomalySeverity severity = threshold.Observe(score.Score, options);
        double inForce = severity == AnomalySeverity.Critical ? threshold.Critical : threshold.Warning;
        if (severity == AnomalySeverity.None)
        {
            return new AnomalyVerdict(severity, score.Score, inForce, []);
        }

        return new AnomalyVerdict(severity, score.Score, inForce, Drivers(score.SignalScores, threshold.Warning, schema, extraSignals));
    }

    private static string[] Drivers(double[] signalScores, double warning, FeatureSchema schema, IReadOnlyList<string>? extraSignals)
    {
        var drivers = new List<(double Score, int Index)>();
        int strongest = -1;
        for (int i = 0; i < signalScores.Length; i++)
        {
            double s = signalScores[i];
            if (double.IsNaN(s))
            {
                continue;
            }

            if (s > warning)
            {
                drivers.Add((s, i));
            }

            if (strongest < 0 || s > signalScores[strongest])
            {
                strongest = i;
            }
        }

        if (drivers.Count == 0 && strongest >= 0)
        {
            drivers.Add((signalScores[strongest], strongest));
        }

        drivers.Sort((a, b) => b.Score.CompareTo(a.Score));
        return [.. drivers.Select(d => NameOf(d.Index, schema, extraSignals))];
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
