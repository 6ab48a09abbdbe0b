using System.Collections.Immutable;
using System.Security.Cryptography;
using OtlpGrains.Interfaces;
using OtlpGrains.Models.Artifacts;
using OtlpGrains.Models.Registry;
using OtlpGrains.TestSupport;
using Xunit;

namespace OtlpGrains.Models.Tests;

/// <summary>Every kind of bad upload is refused with its reason before the registry changes.</summary>
public sealed class UploadValidatorTests
{
    private static readonly DateTimeOffset T0 = new(2026, 12, 1, 8, 0, 0, TimeSpan.Zero);

    private readonly UploadValidator _validator = new(new ModelCodecs([new TestConstantCodec()]), RegistryLimits.Default with { MaxArtifactBytes = 200 });

    [Fact]
    public void AGoodUploadBecomesARegistrationWithOurOwnHash()
    {
        var artifact = TestConstantCodec.Artifact(0.1);
        var verdict = _validator.Check(Upload(artifact, claimedSha256: Convert.ToHexString(SHA256.HashData(artifact))), existing: null);

        Assert.Null(verdict.Refusal);
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(artifact)), verdict.Registration!.Sha256);
        Assert.Equal(artifact.Length, verdict.Registration.SizeBytes);
        Assert.True(FeatureSchemaComparison.Same(FeatureSchema.Red, verdict.Registration.Schema));
    }

    [Fact]
    public void OversizeIsTooLarge()
    {
        var verdict = _validator.Check(Upload(new byte[201]), null);
        Assert.Equal(RegistryRefusalKind.TooLarge, verdict.Refusal?.Kind);
        Assert.Contains("more than the limit of 200", verdict.Refusal!.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void UnknownKindNamesTheKnownOnes()
    {
        var verdict = _validator.Check(Upload(TestConstantCodec.Artifact(0.1)) with { Kind = "lstm-ae" }, null);
        Assert.Equal(new RegistryRefusal(RegistryRefusalKind.Invalid, "unknown model kind 'lstm-ae'; known kinds: test-constant"), verdict.Refusal);
    }

    [Fact]
    public void AWrongClientHashIsRefused()
    {
        var verdict = _validator.Check(Upload(TestConstantCodec.Artifact(0.1), claimedSha256: new string('0', 64)), null);
        Assert.Equal(RegistryRefusalKind.Invalid, verdict.Refusal?.Kind);
        Assert.StartsWith("sha256 mismatch", verdict.Refusal!.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void CorruptAndTruncatedArtifactsAreRefusedWithTheCodecsReason()
    {
        var good = TestConstantCodec.Artifact(0.1);
        var corrupt = _validator.Check(Upload([.. "XXXX"u8, .. good.AsSpan(4)]), null);
        var truncated = _validator.Check(Upload(good[..^2]), null);

        Assert.Equal("corrupt test-constant artifact: not a test-constant artifact (bad magic)", corrupt.Refusal?.Reason);
        Assert.Equal("corrupt test-constant artifact: test-constant artifact is truncated", truncated.Refusal?.Reason);
    }

    [Fact]
    public void SchemaMustMatchTheDeclaredOneAndTheModelsOwn()
    {
        var red = TestConstantCodec.Artifact(0.1, FeatureSchema.Red);
        var declared = _validator.Check(Upload(red) with { DeclaredSchema = FeatureSchema.Univariate }, null);
        var existing = _validator.Check(Upload(red), new RegisteredModel("m", FeatureSchema.Univariate));
        var sameByValue = _validator.Check(
            Upload(red) with { DeclaredSchema = new FeatureSchema("red.v1", ["rate", "errorRatio", "p50", "p95", "p99"], OpenEnded: true) },
            new RegisteredModel("m", FeatureSchema.Red));

        Assert.Equal(RegistryRefusalKind.Invalid, declared.Refusal?.Kind);
        Assert.Contains("declared univariate.v1[value], the artifact carries red.v1[rate,errorRatio,p50,p95,p99]+", declared.Refusal!.Reason, StringComparison.Ordinal);
        Assert.Contains("model 'm' reads univariate.v1[value]", existing.Refusal?.Reason, StringComparison.Ordinal);
        Assert.Null(sameByValue.Refusal);
    }

    [Fact]
    public void BadFieldsAreRefused()
    {
        var artifact = TestConstantCodec.Artifact(0.1);
        var cases = new[]
        {
            (Upload(artifact) with { Name = "Bad/Name" }, "model name 'Bad/Name' must start"),
            (Upload(artifact) with { Who = " " }, "who is required"),
            (Upload(artifact) with { TrainedTo = T0.AddDays(-30) }, "trainingTo is before trainingFrom"),
            (Upload(artifact) with { Metrics = ImmutableSortedDictionary<string, double>.Empty.Add("nab", double.NaN) }, "metric 'nab' is NaN"),
            (Upload(artifact, claimedSha256: "abc"), "sha256 must be 64 hex characters"),
            (Upload([]), "artifact is empty"),
        };
        foreach (var (upload, reason) in cases)
        {
            var verdict = _validator.Check(upload, null);
            Assert.Equal(RegistryRefusalKind.Invalid, verdict.Refusal?.Kind);
            Assert.StartsWith(reason, verdict.Refusal!.Reason, StringComparison.Ordinal);
        }
    }

    private static ModelUpload Upload(byte[] artifact, string? claimedSha256 = null) => new(
        "m", TestConstantCodec.KindName, null, T0.AddDays(-7), T0, ImmutableSortedDictionary<string, double>.Empty, claimedSha256, "alice", "", artifact);
    [Fact]
    public void ANativeLibraryThatWillNotLoadIsTheSilosProblemNotTheUploads()
    {
        var missing = new TypeInitializationException("TorchSharp.torch", new DllNotFoundException("Unable to load shared library 'LibTorchSharp'\nor one of its dependencies"));
        var validator = new UploadValidator(new ModelCodecs([new ThrowingCodec(missing)]), RegistryLimits.Default);

        var verdict = validator.Check(Upload(TestConstantCodec.Artifact(0.1)) with { Kind = ThrowingCodec.KindName }, null);

        Assert.Equal(
            new RegistryRefusal(RegistryRefusalKind.Unavailable, "this silo cannot load throwing models: DllNotFoundException: Unable to load shared library 'LibTorchSharp' or one of its dependencies"),
            verdict.Refusal);
    }

    [Fact]
    public void ACodecTrippingOverUnforeseenBytesStillRefusesTheUploadInOneLine()
    {
        var validator = new UploadValidator(new ModelCodecs([new ThrowingCodec(new FormatException("Index was outside\nthe bounds"))]), RegistryLimits.Default);

        var verdict = validator.Check(Upload(TestConstantCodec.Artifact(0.1)) with { Kind = ThrowingCodec.KindName }, null);

        Assert.Equal(new RegistryRefusal(RegistryRefusalKind.Invalid, "corrupt throwing artifact: FormatException: Index was outside the bounds"), verdict.Refusal);
    }

    private sealed class ThrowingCodec(Exception failure) : IModelCodec
    {
        public const string KindName = "throwing";

        public string Kind => KindName;

        public byte[] Save(OtlpGrains.Models.Detection.IAnomalyModel model) => throw new NotSupportedException();

        public OtlpGrains.Models.Detection.IAnomalyModel Load(ReadOnlyMemory<byte> artifact) => throw failure;
    }
}
