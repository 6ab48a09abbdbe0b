using Xunit;

namespace OtlpGrains.Agent.Tests;

/// <summary>A fact that needs the two-node emulation (root, ip netns, iptables) and, with <see cref="Bpf"/>, BPF: skipped with the reason otherwise.</summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class TwoNodeFactAttribute : FactAttribute
{
    public TwoNodeFactAttribute(bool bpf = true)
    {
        if (TwoNodeNetwork.Unavailable() is { } why)
        {
            Skip = why;
        }
        else if (bpf && !BpfFactAttribute.Check.Value.Works)
        {
            Skip = $"BPF is unavailable here: {BpfFactAttribute.Check.Value.Reason}";
        }
    }
}
