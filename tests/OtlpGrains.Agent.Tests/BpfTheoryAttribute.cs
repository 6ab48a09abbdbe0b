using OtlpGrains.Agent.Capture;
using Xunit;

namespace OtlpGrains.Agent.Tests;

/// <summary>A theory that needs BPF: skipped, with the reason <c>agent check</c> gives, where the capture cannot load.</summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class BpfTheoryAttribute : TheoryAttribute
{
    private static readonly Lazy<CaptureCheckResult> Check = new(() => CaptureCheck.Run());

    public BpfTheoryAttribute()
    {
        if (!Check.Value.Works)
        {
            Skip = $"BPF is unavailable here: {Check.Value.Reason}";
        }
    }
}
