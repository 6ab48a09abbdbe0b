namespace OtlpGrains.Models.Detection.Thresholds;

/// <summary>
/// One adaptive threshold per signal of a service, so each signal is judged against its own normal life: a latency
/// percentile that jumps between histogram buckets now and then raises its own bar, not the error ratio's (with one
/// threshold on the window's strongest signal, the roughest signal set the bar for all of them, and a 50% error
/// fault scored under a bar raised by a p50 jump). The risks are shared out among the signals judged (Bonferroni),
/// so a service pages as rarely on noise as with one threshold. Bounded: the first
/// <see cref="SeparateSignals"/> − 1 signals get a threshold each, and the rest (a service's metric series) share the
/// last one, fed with their strongest score.
/// </summary>
[GenerateSerializer, Alias("otlpgrains.thresholds.SignalThresholds")]
public sealed class SignalThresholds
{
    /// <summary>Thresholds kept per service and model version: the RED five and three more, the last one shared.</summary>
    public const int SeparateSignals = 8;

    [Id(0)] private readonly List<SpotThreshold> _thresholds = [];

    // The options with their risks shared out over that many thresholds, kept so a window allocates no options.
    [NonSerialized]
    private (SpotOptions Given, int Count, SpotOptions Shared)? _shared;

    /// <summary>True once any signal's threshold gives verdicts.</summary>
    public bool IsCalibrated => _thresholds.Exists(t => t.IsCalibrated);

    /// <summary>The thresholds so far, by slot.</summary>
    public IReadOnlyList<SpotThreshold> Thresholds => _thresholds;

    /// <summary>The slot of signal <paramref name="signal"/>.</summary>
    public static int SlotOf(int signal) => Math.Min(signal, SeparateSignals - 1);

    /// <summary>
    /// Judges each signal's score against its own threshold (which then learns it when it was normal). Returns the
    /// severity per signal in <paramref name="severities"/> (None for a signal without an opinion).
    /// </summary>
    public void Observe(ReadOnlySpan<double> signalScores, SpotOptions options, Span<AnomalySeverity> severities)
    {
        ArgumentNullException.ThrowIfNull(options);
        int slots = Math.Min(signalScores.Length, SeparateSignals);
        while (_thresholds.Count < slots)
        {
            _thresholds.Add(new SpotThreshold());
        }

        SpotOptions shared = Shared(options, _thresholds.Count);
        severities.Clear();
        for (int slot = 0; slot < slots; slot++)
        {
            // The last slot takes the strongest of the signals that share it.
            double score = signalScores[slot];
            int strongest = slot;
            for (int i = slot + 1; slot == SeparateSignals - 1 && i < signalScores.Length; i++)
            {
                if (double.IsNaN(score) || signalScores[i] > score)
                {
                    score = signalScores[i];
                    strongest = i;
                }
            }

            if (!double.IsNaN(score))
            {
                severities[strongest] = _thresholds[slot].Observe(score, shared);
            }
        }
    }

    private SpotOptions Shared(SpotOptions options, int count)
    {
        if (_shared is not { } cached || !ReferenceEquals(cached.Given, options) || cached.Count != count)
        {
            var shared = options with { WarningRisk = options.WarningRisk / count, CriticalRisk = options.CriticalRisk / count };
            _shared = cached = (options, count, shared);
        }

        return cached.Shared;
    }
}
