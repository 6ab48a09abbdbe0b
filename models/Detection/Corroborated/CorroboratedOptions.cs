using OtlpGrains.Models.Detection.Baseline;
using OtlpGrains.Models.Detection.Context;

namespace OtlpGrains.Models.Detection.Corroborated;

/// <summary>The parameters of a <c>baseline-context</c> model: those of its two parts and the weight of the context's word.</summary>
[GenerateSerializer, Immutable, Alias("otlpgrains.CorroboratedOptions")]
public sealed record CorroboratedOptions
{
    /// <summary>
    /// The statistical part. Default: <see cref="BaselineOptions.Default"/> with
    /// <see cref="BaselineOptions.RoughnessDeviationWeight"/> 3: a departure must be three times the largest the signal
    /// made lately before it counts, so that regular bursts stop alarming however small the scale between them becomes
    /// (the weight was chosen on NAB's even files; <c>models/README.md</c> has the numbers). The <c>baseline</c> kind,
    /// the default for services, keeps it off.
    /// </summary>
    [Id(0)] public BaselineOptions Baseline { get; init; } = BaselineOptions.Default with { RoughnessDeviationWeight = 3 };

    /// <summary>
    /// The contextual part. Default: <see cref="ContextOptions.Default"/> at three resolutions (5, 8 and 12 bins): their
    /// mean novelty is graded finely enough for the fusion to weigh it against the baseline's score.
    /// </summary>
    [Id(1)] public ContextOptions Context { get; init; } = ContextOptions.Default with { Resolutions = 3 };

    /// <summary>
    /// Weight of the context's novelty against the baseline's score (weight 1). Small on purpose: a contextual alarm
    /// alone lifts the score by at most w / (1 + w), enough to carry a window the baseline already finds somewhat
    /// surprising over the line, not enough to page on a novel shape the baseline finds ordinary. Default: 0.1.
    /// </summary>
    [Id(2)] public double ContextWeight { get; init; } = 0.1;

    /// <summary>
    /// A window whose fused score reaches this alarms and starts a rest. Default: 0.1 (about what a full contextual
    /// alarm alone scores, 0.1 / 1.1, or a baseline surprise of 1.5 nats above its memory).
    /// </summary>
    [Id(3)] public double AlarmScore { get; init; } = 0.1;

    /// <summary>
    /// Windows after an alarm that score 0 unless they score higher than the alarm did (both parts keep learning, and
    /// the signal scores are still reported): an incident is reported at its onset, whichever part saw it first, and
    /// again only as it grows. 0 turns the rest off. Default: 30.
    /// </summary>
    [Id(4)] public int RestWindows { get; init; } = 30;

    /// <summary>The defaults: the configuration every service gets.</summary>
    public static CorroboratedOptions Default { get; } = new();

    /// <summary>Throws <see cref="ArgumentException"/> with one line naming the first bad value.</summary>
    public void Validate()
    {
        ArgumentNullException.ThrowIfNull(Baseline);
        ArgumentNullException.ThrowIfNull(Context);
        Baseline.Validate();
        Context.Validate();
        if (ContextWeight is not (>= 0 and <= 100))
        {
            throw new ArgumentException($"ContextWeight must be in [0, 100], got {ContextWeight}");
        }

        if (AlarmScore is not (> 0 and <= 1))
        {
            throw new ArgumentException($"AlarmScore must be in (0, 1], got {AlarmScore}");
        }

        if (RestWindows is < 0 or > 1_000_000)
        {
            throw new ArgumentException($"RestWindows must be in [0, 1000000], got {RestWindows}");
        }
    }
}
