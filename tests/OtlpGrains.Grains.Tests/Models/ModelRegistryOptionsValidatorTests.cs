using OtlpGrains.Grains.Models;
using Xunit;

namespace OtlpGrains.Grains.Tests.Models;

public sealed class ModelRegistryOptionsValidatorTests
{
    [Fact]
    public void DefaultsAreValid()
    {
        var options = new ModelRegistryOptions();

        Assert.Equal(16 * 1024 * 1024, options.MaxArtifactBytes);
        Assert.Equal((100, 100, 500, 16), (options.MaxModels, options.MaxVersionsPerModel, options.MaxAuditEntriesPerModel, options.CachedModels));
        Assert.True(new ModelRegistryOptionsValidator().Validate(null, options).Succeeded);
    }

    [Theory]
    [InlineData(0L, 1, 1, "OtlpGrains:Models:MaxArtifactBytes")]
    [InlineData(64L * 1024 * 1024 + 1, 1, 1, "OtlpGrains:Models:MaxArtifactBytes")]
    [InlineData(1L, 0, 1, "OtlpGrains:Models:MaxModels")]
    [InlineData(1L, 1, -5, "OtlpGrains:Models:CachedModels")]
    public void InvalidValueFailsNamingTheOption(long maxBytes, int maxModels, int cached, string option)
    {
        var options = new ModelRegistryOptions { MaxArtifactBytes = maxBytes, MaxModels = maxModels, CachedModels = cached };

        var result = new ModelRegistryOptionsValidator().Validate(null, options);

        Assert.True(result.Failed);
        var failure = Assert.Single(result.Failures!);
        Assert.StartsWith(option + " ", failure, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(0, 1000, 0.25, "OtlpGrains:Models:ScoresFlushSeconds")]
    [InlineData(60, 5, 0.25, "OtlpGrains:Models:DriftReferenceWindows")]
    [InlineData(60, 1000, 0.0, "OtlpGrains:Models:DriftPsiBound")]
    [InlineData(60, 1000, double.NaN, "OtlpGrains:Models:DriftPsiBound")]
    public void InvalidScoreSettingFailsNamingTheOption(int flushSeconds, int referenceWindows, double bound, string option)
    {
        var options = new ModelRegistryOptions { ScoresFlushSeconds = flushSeconds, DriftReferenceWindows = referenceWindows, DriftPsiBound = bound };

        var result = new ModelRegistryOptionsValidator().Validate(null, options);

        var failure = Assert.Single(result.Failures!);
        Assert.StartsWith(option + " ", failure, StringComparison.Ordinal);
    }
}
