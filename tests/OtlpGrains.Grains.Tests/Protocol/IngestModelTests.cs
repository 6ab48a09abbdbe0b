using Xunit;

namespace OtlpGrains.Grains.Tests.Protocol;

/// <summary>
/// spin checks the Promela model of the durable ingest protocol (<c>tools/model/ingest.pml</c>, README beside it)
/// exhaustively: where the protocol keeps its promise (an acknowledged batch counted exactly once, an unacknowledged
/// one at most once, never stuck) the search finds no error, and each safeguard removed (a mutant) yields a
/// counterexample. The code before the log was fenced (<c>NO_FENCE</c>) did not keep the promise under every fault the
/// model has: that is checked too, as the counterexamples the fence answers.
/// </summary>
public sealed class IngestModelTests
{
    [Theory]
    // The code: the fenced log, all fault kinds, one fault per run.
    [InlineData("")]
    // The code before the fence, when statements settle before their answer and no duplicate activation runs
    // (tools/model/README.md has the same with two faults per run, too slow for the suite).
    [InlineData("NO_FENCE DUPLICATES=0 NO_LATE_COMMIT")]
    public void ProtocolKeepsItsPromise(string defines)
    {
        SpinVerdict verdict = SpinModelCheck.Run(defines.Split(' ', StringSplitOptions.RemoveEmptyEntries));

        Assert.True(verdict.Complete, $"the search was cut short:\n{verdict.Output}");
        Assert.True(verdict.Errors == 0, $"spin found a counterexample:\n{verdict.Output}");
        Assert.True(verdict.States > 100_000, $"only {verdict.States} states: the model no longer explores its faults\n{verdict.Output}");
    }

    /// <summary>
    /// The counterexamples of tools/model/README.md: a statement that commits after its client gave up (a database
    /// timeout or a killed silo), or a duplicate activation, leaves a row the replay skipped; a retry then finds it
    /// ("logged before") and is acknowledged without being counted. The fence is what rules these out.
    /// </summary>
    [Theory]
    [InlineData("NO_FENCE")]
    [InlineData("NO_FENCE NO_LATE_COMMIT IN_ORDER_COMMITS")]
    public void WithoutTheFenceAnAcknowledgedBatchIsLost(string defines)
    {
        SpinVerdict verdict = SpinModelCheck.Run(defines.Split(' '));

        AssertPromiseBroken(verdict);
        Assert.Contains("cnt[r_]==1", verdict.Output, StringComparison.Ordinal);
    }

    internal static void AssertPromiseBroken(SpinVerdict verdict)
    {
        Assert.True(verdict.Errors > 0, $"spin found no counterexample:\n{verdict.Output}");

        // The final check's assertions, not a bound of the model (NOPS, MAXSEQ) or a deadlock.
        Assert.Contains("assertion violated", verdict.Output, StringComparison.Ordinal);
        Assert.Contains(".cnt[r_]", verdict.Output, StringComparison.Ordinal);
    }
}
