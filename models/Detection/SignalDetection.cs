using OtlpGrains.Interfaces;
using OtlpGrains.Models.Detection.Thresholds;
using OtlpGrains.Models.Services;
using OtlpGrains.Models.Statistics;

namespace OtlpGrains.Models.Detection;

/// <summary>
/// The detection of one signal of one service: the production slot whose verdicts count, the shadow slot scored
/// beside it, the slot production had before its last switch (so a rollback finds its state and threshold warm),
/// the last verdict, the hold that keeps an anomaly open while its signals have not come back (it follows the
/// signal's values, whichever version scores them), and the last runs of windows each version scored.
/// </summary>
/// <remarks>
/// A switch happens at a window boundary, when the lineup names another version than the slot holds. The new
/// production takes over the shadow's slot when it was the shadow (a promotion), the previous slot when it was
/// the previous production (a rollback), and otherwise starts a fresh state and threshold: a version's parameters
/// shape its state (ring sizes, sequence length), and its threshold is calibrated on its own scores.
/// </remarks>
[GenerateSerializer, Alias("otlpgrains.SignalDetection")]
public sealed class SignalDetection
{
    /// <summary>Runs of windows (one per version and stretch) kept for inspection.</summary>
    public const int KeptRuns = 16;

    [Id(0)] private DetectorSlot? _production;
    [Id(1)] private DetectorSlot? _shadow;
    [Id(2)] private DetectorSlot? _previous;
    [Id(3)] private double _lastScore;
    [Id(4)] private AnomalySeverity _lastSeverity;
    [Id(5)] private List<AnomalyScoring> _runs = [];
    [Id(6)] private AnomalyHold _hold = new();

    /// <summary>The version that scored the last window, or null before the first.</summary>
    public AnomalyModelRef? Model => _production?.Model;

    /// <summary>The shadow version scored beside production, or null.</summary>
    public AnomalyModelRef? ShadowModel => _shadow?.Model;

    /// <summary>The last window's score.</summary>
    public double LastScore => _lastScore;

    /// <summary>The last window's verdict.</summary>
    public AnomalySeverity LastSeverity => _lastSeverity;

    /// <summary>The last runs, oldest first.</summary>
    public IReadOnlyList<AnomalyScoring> Runs => _runs;

    /// <summary>
    /// Scores one closed window with the lineup's versions, switching first if the lineup changed. With
    /// <paramref name="judge"/> false (a warm-up) the window is scored and learned, but its verdict is normal.
    /// </summary>
    public SignalOutcome Score(string signal, ClosedWindow window, DetectionLineup lineup, SpotOptions options, bool judge = true)
    {
        ArgumentNullException.ThrowIfNull(window);
        ArgumentNullException.ThrowIfNull(lineup);
        SwitchTo(lineup);
        AnomalyVerdict verdict = _production!.Judge(lineup.Production.Model, window, options, out bool hasOpinion);
        if (!judge && verdict.IsAnomalous)
        {
            verdict = new AnomalyVerdict(AnomalySeverity.None, verdict.Score, verdict.Threshold, []);
        }

        verdict = _hold.Apply(verdict, window.StartUnixNano, window.Features, options);
        _lastScore = verdict.Score;
        _lastSeverity = verdict.Severity;
        Record(signal, window);

        ShadowOutcome? shadow = null;
        if (lineup.Shadow is { } shadowChoice && _shadow is { } shadowSlot)
        {
            AnomalyVerdict shadowVerdict = shadowSlot.Judge(shadowChoice.Model, window, options, out bool shadowHasOpinion);
            shadow = new ShadowOutcome(shadowSlot.Model, shadowVerdict.Score, shadowHasOpinion, shadowVerdict.IsAnomalous == verdict.IsAnomalous);
        }

        return new SignalOutcome(_production.Model, verdict, hasOpinion, shadow);
    }

    private void SwitchTo(DetectionLineup lineup)
    {
        if (_production is null || !_production.Serves(lineup.Production))
        {
            DetectorSlot? outgoing = _production;
            _production = Take(ref _shadow, lineup.Production) ?? Take(ref _previous, lineup.Production) ?? DetectorSlot.Fresh(lineup.Production);
            _previous = outgoing ?? _previous;
        }

        if (lineup.Shadow is not { } shadow)
        {
            _shadow = null;
        }
        else if (_shadow is null || !_shadow.Serves(shadow))
        {
            _shadow = Take(ref _previous, shadow) ?? DetectorSlot.Fresh(shadow);
        }
    }

    private static DetectorSlot? Take(ref DetectorSlot? slot, DetectorChoice choice)
    {
        if (slot is null || !slot.Serves(choice))
        {
            return null;
        }

        DetectorSlot taken = slot;
        slot = null;
        return taken;
    }

    private void Record(string signal, ClosedWindow window)
    {
        AnomalyModelRef model = _production!.Model;
        DateTimeOffset start = UnixNanos.ToDateTimeOffset(window.StartUnixNano);
        if (_runs.Count > 0 && _runs[^1] is { } last && last.Model == model)
        {
            _runs[^1] = last with { Windows = last.Windows + 1, LastWindowStart = start };
            return;
        }

        if (_runs.Count == KeptRuns)
        {
            _runs.RemoveAt(0);
        }

        _runs.Add(new AnomalyScoring(signal, model, 1, start, start));
    }
}

/// <summary>
/// What one version made of a window: the version, its verdict, whether it had an opinion on any signal (not while
/// warming up) and, with a shadow, the shadow's.
/// </summary>
public sealed record SignalOutcome(AnomalyModelRef Model, AnomalyVerdict Verdict, bool HasOpinion, ShadowOutcome? Shadow);

/// <summary>
/// The shadow's score of a window, whether it had an opinion, and whether its verdict agreed with production's (both
/// anomalous or both not).
/// </summary>
public sealed record ShadowOutcome(AnomalyModelRef Model, double Score, bool HasOpinion, bool Agreed);
