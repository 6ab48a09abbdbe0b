using OtlpGrains.Models.Detection.Baseline;
using OtlpGrains.Models.Detection.Context;

namespace OtlpGrains.Models.Detection.Corroborated;

/// <summary>
/// One service's state for a <c>baseline-context</c> model: a baseline state and a context state side by side
/// (about 4.7 KB + 16 KB of recent values + 3 × 24 KB of context tables per signal in memory with the defaults).
/// </summary>
[GenerateSerializer, Alias("otlpgrains.corroborated.CorroboratedState")]
public sealed class CorroboratedState : DetectorState
{
    public CorroboratedState(BaselineState baseline, ContextState context)
    {
        Baseline = baseline;
        Context = context;
    }

    [Id(0)] internal BaselineState Baseline { get; private set; }

    [Id(1)] internal ContextState Context { get; private set; }

    /// <summary>Windows left in the rest after the last alarm.</summary>
    [Id(2)] internal int RestLeft { get; set; }

    /// <summary>The score of the window that started the rest: only a stronger one breaks through it.</summary>
    [Id(3)] internal double RestScore { get; set; }

    public override string Kind => CorroboratedModel.KindName;
}
