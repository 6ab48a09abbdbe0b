using OtlpGrains.Interfaces;
using OtlpGrains.Models.Detection.Thresholds;
using OtlpGrains.Models.Services;

namespace OtlpGrains.Models.Detection;

/// <summary>
/// One model version's hold on one signal of a service: the version, the state it learns in, and the adaptive
/// thresholds calibrated on its scores, one per signal (a threshold belongs to the scores of one model: another
/// version's scores are distributed differently).
/// </summary>
[GenerateSerializer, Alias("otlpgrains.DetectorSlot")]
public sealed class DetectorSlot
{
    [Id(0)] public required AnomalyModelRef Model { get; init; }

    [Id(1)] public required DetectorState State { get; init; }

    [Id(3)] public required SignalThresholds Thresholds { get; init; }

    /// <summary>A fresh state and thresholds for <paramref name="choice"/>.</summary>
    public static DetectorSlot Fresh(DetectorChoice choice)
    {
        ArgumentNullException.ThrowIfNull(choice);
        return new DetectorSlot { Model = choice.Ref, State = choice.Model.NewState(), Thresholds = new SignalThresholds() };
    }

    /// <summary>True when <paramref name="choice"/> is this slot's version and kind, so its state can go on.</summary>
    public bool Serves(DetectorChoice choice) => choice.Ref == Model && choice.Model.Kind == State.Kind;

    /// <summary>
    /// Scores <paramref name="window"/> with <paramref name="model"/>, judges it, and lets state and thresholds learn.
    /// <paramref name="hasOpinion"/> is false when the model had no opinion on any signal (still warming up).
    /// </summary>
    public AnomalyVerdict Judge(IAnomalyModel model, ClosedWindow window, SpotOptions options, out bool hasOpinion)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(window);
        AnomalyScore score = model.Score(State, window.StartUnixNano, window.Features);
        hasOpinion = Array.Exists(score.SignalScores, s => !double.IsNaN(s));
        int named = model.Schema.Signals.Length;
        // Values past the schema's named signals (a service's metric series) are named by the window itself.
        IReadOnlyList<string>? extra = window.Names.Count > named ? [.. window.Names.Skip(named)] : null;
        return AnomalyVerdict.Judge(Thresholds, score, model.Schema, extra, options);
    }
}
