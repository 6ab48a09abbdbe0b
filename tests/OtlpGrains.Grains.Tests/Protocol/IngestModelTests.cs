using Xunit;

namespace OtlpGrains.Grains.Tests.Protocol;

/// <summary>
/// spin checks the Promela model of the durable ingest protocol (<c>tools/model/ingest.pml</c>, README beside it)
/// exhaustively: where the protocol keeps its promise (an acknowledged batch counted exactly once, an unacknowledged
/// one at most once, never stuck) the search finds no error, and each safeguard removed (a mutant) yields a
/// counterexample. The code as it is does not keep the promise under every fault the model has: that is checked too,
/// so that the model cannot silently drift from the code.
/// </summary>
public sealed class IngestModelTests
{
    /// <summary>The variant every mutant is measured against: the fenced log, all fault kinds, one fault per run.</summary>
    internal const string Base = "FENCED_LOG";

    [Theory]
    [InlineData(Base)]
    // The code as it is, when statements settle before their answer and no duplicate activation runs (tools/model/README.md
    // has the same with two faults per run, too slow for the suite).
    [InlineData("DUPLICATES=0 NO_LATE_COMMIT")]
    public void ProtocolKeepsItsPromise(string defines)
    {
        SpinVerdict verdict = SpinModelCheck.Run(defines.Split(' '));

        Assert.True(verdict.Complete, $"the search was cut short:\n{verdict.Output}");
        Assert.True(verdict.Errors == 0, $"spin found a counterexample:\n{verdict.Output}");
        Assert.True(verdict.States > 100_000, $"only {verdict.States} states: the model no longer explores its faults\n{verdict.Output}");
    }

    /// <summary>
    /// The counterexamples of tools/model/README.md: a statement that commits after its client gave up (a database
    /// timeout or a killed silo), or a duplicate activation, leaves a row the replay skipped; a retry then finds it
    /// ("logged before") and is acknowledged without being counted. This test fails once the code and the model are
    /// fixed: then the default variant moves to <see cref="ProtocolKeepsItsPromise"/>.
    /// </summary>
    [Theory]
    [InlineData("FAULTS=1")]
    [InlineData("NO_LATE_COMMIT IN_ORDER_COMMITS")]
    public void CodeAsItIsLosesAnAcknowledgedBatch(string defines)
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
