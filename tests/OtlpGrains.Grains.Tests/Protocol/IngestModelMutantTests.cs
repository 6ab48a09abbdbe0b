using Xunit;

namespace OtlpGrains.Grains.Tests.Protocol;

/// <summary>
/// The model must be able to fail: with one safeguard of the protocol removed, spin finds a counterexample to the
/// promise. Apart from <see cref="IngestModelTests"/> so that xunit runs the two classes side by side.
/// </summary>
public sealed class IngestModelMutantTests
{
    [Theory]
    [InlineData("ACK_BEFORE_APPEND")]
    [InlineData("CHECKPOINT_WITHOUT_POSITION")]
    [InlineData("REPLAY_FROM_WRONG_POSITION")]
    [InlineData("NO_DUPLICATE_CHECK")]
    [InlineData("NO_ETAG_CHECK")]
    public void MutantBreaksThePromise(string mutant)
    {
        SpinVerdict verdict = SpinModelCheck.Run(mutant);

        IngestModelTests.AssertPromiseBroken(verdict);
    }
}
