using OtlpGrains.Grains.Services;
using OtlpGrains.Models.Services;
using Xunit;

namespace OtlpGrains.Grains.Tests;

public sealed class ServiceWindowOptionsValidatorTests
{
    [Fact]
    public void DefaultsAreTheDocumentedOnesAndValid()
    {
        var options = new ServiceWindowOptions();

        Assert.Equal("OtlpGrains:Services", ServiceWindowOptions.SectionName);
        Assert.Equal(
            [10, 3600, 300, 10, 30, 300, 100, 200, 200, 20, 300],
            [
                options.BucketSeconds, options.RetentionSeconds, options.AllowedLatenessSeconds, options.CloseDelaySeconds,
                options.IdleCloseSeconds, options.MaxFutureSkewSeconds, options.MaxOperations, options.MaxEdges, options.MaxMetricSeries,
                options.P99MinCount, options.P99LookbackSeconds,
            ]);
        Assert.True(new ServiceWindowOptionsValidator().Validate(null, options).Succeeded);
    }

    [Theory]
    [InlineData(nameof(ServiceWindowOptions.BucketSeconds), 0)]
    [InlineData(nameof(ServiceWindowOptions.RetentionSeconds), 3605)]
    [InlineData(nameof(ServiceWindowOptions.AllowedLatenessSeconds), -1)]
    [InlineData(nameof(ServiceWindowOptions.AllowedLatenessSeconds), 3610)]
    [InlineData(nameof(ServiceWindowOptions.CloseDelaySeconds), -1)]
    [InlineData(nameof(ServiceWindowOptions.CloseDelaySeconds), 301)]
    [InlineData(nameof(ServiceWindowOptions.IdleCloseSeconds), -1)]
    [InlineData(nameof(ServiceWindowOptions.MaxFutureSkewSeconds), -1)]
    [InlineData(nameof(ServiceWindowOptions.MaxOperations), 0)]
    [InlineData(nameof(ServiceWindowOptions.MaxEdges), 0)]
    [InlineData(nameof(ServiceWindowOptions.MaxMetricSeries), -3)]
    [InlineData(nameof(ServiceWindowOptions.P99MinCount), 0)]
    [InlineData(nameof(ServiceWindowOptions.P99LookbackSeconds), 0)]
    [InlineData(nameof(ServiceWindowOptions.P99LookbackSeconds), 7200)]
    public void BrokenOptionFailsWithAMessageNamingIt(string option, int value)
    {
        var options = new ServiceWindowOptions();
        typeof(ServiceWindowOptions).GetProperty(option)!.SetValue(options, value);

        var result = new ServiceWindowOptionsValidator().Validate(null, options);

        Assert.True(result.Failed);
        string failure = Assert.Single(result.Failures!);
        Assert.StartsWith($"OtlpGrains:Services:{option} ", failure, StringComparison.Ordinal);
    }

    [Fact]
    public void EveryBrokenOptionIsReported()
    {
        var options = new ServiceWindowOptions { BucketSeconds = 0, MaxEdges = 0, P99MinCount = 0 };

        var result = new ServiceWindowOptionsValidator().Validate(null, options);

        Assert.Equal(3, result.Failures!.Count());
    }

    [Fact]
    public void CloseDelayMayEqualTheLatenessButNotExceedIt()
    {
        var options = new ServiceWindowOptions { AllowedLatenessSeconds = 30, CloseDelaySeconds = 30 };
        Assert.True(new ServiceWindowOptionsValidator().Validate(null, options).Succeeded);

        options.AllowedLatenessSeconds = 29;
        string failure = Assert.Single(new ServiceWindowOptionsValidator().Validate(null, options).Failures!);
        Assert.Equal("OtlpGrains:Services:CloseDelaySeconds must be between 0 and AllowedLatenessSeconds (was 30).", failure);
    }

    [Fact]
    public void ZeroRetentionAlsoBreaksTheOptionsBoundedByIt()
    {
        var options = new ServiceWindowOptions { RetentionSeconds = 0 };

        string[] failures = [.. new ServiceWindowOptionsValidator().Validate(null, options).Failures!];

        Assert.Equal(3, failures.Length);
        Assert.StartsWith($"OtlpGrains:Services:{nameof(ServiceWindowOptions.RetentionSeconds)} ", failures[0], StringComparison.Ordinal);
    }

    [Fact]
    public void ZeroLatenessZeroCloseDelayAndZeroSkewAreAllowed()
    {
        var options = new ServiceWindowOptions { AllowedLatenessSeconds = 0, CloseDelaySeconds = 0, MaxFutureSkewSeconds = 0 };

        Assert.True(new ServiceWindowOptionsValidator().Validate(null, options).Succeeded);
    }
}
