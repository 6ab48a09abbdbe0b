using OtlpGrains.Evaluate.Rca;
using OtlpGrains.TestSupport;
using Xunit;

namespace OtlpGrains.Silo.Tests.Replay;

/// <summary>
/// <c>eval-rca</c> as a new user runs it, without a cluster: it starts one in-process, replays the history and the
/// first fault's run of the shipped day, and prints the RCA line for that one fault.
/// </summary>
public sealed class EvalRcaInProcessTests
{
    [Fact]
    public void TheFirstFaultOfTheDayIsEvaluatedOnAClusterItStartsItself()
    {
        var output = new StringWriter();
        var error = new StringWriter();

        int exit = EvalRcaCommand.Run([SharedData.Directory("nezha-tt-2023-01-29"), "--from", "08:40", "--to", "08:50", "--settle", "5"], output, error);

        string printed = output.ToString();
        Assert.True(exit == 0, $"exit {exit}: {error}\n{printed}");
        Assert.Contains("starting a single-node cluster in-process", printed, StringComparison.Ordinal);
        Assert.Contains("history", printed, StringComparison.Ordinal);
        Assert.Matches(@"RCA nezha-tt-2023-01-29 faults=1 detected=[01] AC@1=\d\.\d{3} AC@3=\d\.\d{3} Avg@5=\d\.\d{3} MTTD_median_s=(\d+|none)", printed);
        Assert.Contains("fault return         ts-contacts-service", error.ToString(), StringComparison.Ordinal);
    }
}
