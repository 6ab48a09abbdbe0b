using OtlpGrains.Interfaces;

namespace OtlpGrains.Grains.Traces;

/// <summary>Stored state of a trace that tail sampling kept.</summary>
[GenerateSerializer, Alias("otlpgrains.KeptTrace")]
public sealed class KeptTrace
{
    [Id(0)]
    public TraceView? View { get; set; }
}
