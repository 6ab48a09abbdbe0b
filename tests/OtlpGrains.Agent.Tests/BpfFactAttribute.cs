using OtlpGrains.Agent.Capture;
using Xunit;

namespace OtlpGrains.Agent.Tests;

/// <summary>A fact that needs BPF: skipped, with the reason <c>agent check</c> gives, where the capture cannot load.</summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class BpfFactAttribute : FactAttribute
{
    /// <summary>Whether BPF capture works here (run once per test run).</summary>
    internal static readonly Lazy<CaptureCheckResult> Check = new(() => CaptureCheck.Run());

    public BpfFactAttribute()
    {
        if (!Check.Value.Works)
        {
            Skip = $"BPF is unavailable here: {Check.Value.Reason}";
        }
    }
}
