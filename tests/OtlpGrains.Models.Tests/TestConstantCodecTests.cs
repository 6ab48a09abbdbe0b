using OtlpGrains.Interfaces;
using OtlpGrains.Models.Artifacts;
using OtlpGrains.TestSupport;
using Xunit;

namespace OtlpGrains.Models.Tests;

/// <summary>The test codec behaves as the artifact contract asks, so registry tests can lean on it.</summary>
public sealed class TestConstantCodecTests
{
    [Fact]
    public void SaveThenLoadGivesTheSameScoresAndSchema()
    {
        var codec = new TestConstantCodec();
        var loaded = codec.Load(TestConstantCodec.Artifact(0.25, FeatureSchema.Univariate));

        Assert.True(FeatureSchema.Univariate.Accepts(loaded.Schema));
        Assert.Equal(0.25, loaded.Score(loaded.NewState(), 0, [3.0]).Score);
    }

    [Fact]
    public void CorruptAndTruncatedBytesAreRefusedWithAReason()
    {
        var codec = new TestConstantCodec();
        var good = TestConstantCodec.Artifact(0.5);

        var truncated = Assert.Throws<ModelArtifactException>(() => codec.Load(good.AsMemory(0, good.Length - 3)));
        Assert.Contains("truncated", truncated.Message, StringComparison.Ordinal);

        var corrupt = (byte[])good.Clone();
        corrupt[0] ^= 0xFF;
        Assert.Contains("bad magic", Assert.Throws<ModelArtifactException>(() => codec.Load(corrupt)).Message, StringComparison.Ordinal);
    }
}
