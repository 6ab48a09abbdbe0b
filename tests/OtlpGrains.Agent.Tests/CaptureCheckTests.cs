using OtlpGrains.Agent.Capture;
using Xunit;

namespace OtlpGrains.Agent.Tests;

/// <summary>What <c>agent check</c> prints on a kernel where the capture works.</summary>
public sealed class CaptureCheckTests
{
    [BpfFact]
    public void ReportsEachAttachGroupAndTheTlsProbes()
    {
        CaptureCheckResult result = CaptureCheck.Run();

        Assert.True(result.Works);
        Assert.Null(result.Reason);
        Assert.Contains(result.Lines, l => l.StartsWith("syscall tracepoints", StringComparison.Ordinal) && l.EndsWith("ring buffer ok", StringComparison.Ordinal));
        string tls = Assert.Single(result.Lines, l => l.StartsWith("OpenSSL uprobes: ", StringComparison.Ordinal));
        Assert.DoesNotContain("unavailable", tls, StringComparison.Ordinal);
        Assert.Equal("BPF works here", result.Lines[^1]);
    }
}
