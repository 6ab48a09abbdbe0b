using OtlpGrains.Grains.Traces;
using Xunit;

namespace OtlpGrains.Grains.Tests;

public sealed class TraceOptionsValidatorTests
{
    [Fact]
    public void DefaultsAreValid()
    {
        var options = new TraceOptions();

        Assert.Equal(5, options.IdleSeconds);
        Assert.Equal(10_000, options.MaxSpans);
        Assert.Equal(0.01, options.SampleProbability);
        Assert.Equal(72, options.KeptTraceRetentionHours);
        Assert.True(new TraceOptionsValidator().Validate(null, options).Succeeded);
    }

    [Theory]
    [InlineData(0.0, 1, 0.5, "OtlpGrains:Traces:IdleSeconds")]
    [InlineData(-1.0, 1, 0.5, "OtlpGrains:Traces:IdleSeconds")]
    [InlineData(double.NaN, 1, 0.5, "OtlpGrains:Traces:IdleSeconds")]
    [InlineData(double.PositiveInfinity, 1, 0.5, "OtlpGrains:Traces:IdleSeconds")]
    [InlineData(1.0, 0, 0.5, "OtlpGrains:Traces:MaxSpans")]
    [InlineData(1.0, 1, -0.1, "OtlpGrains:Traces:SampleProbability")]
    [InlineData(1.0, 1, 1.1, "OtlpGrains:Traces:SampleProbability")]
    [InlineData(1.0, 1, double.NaN, "OtlpGrains:Traces:SampleProbability")]
    public void InvalidValueFailsNamingTheOption(double idle, int maxSpans, double probability, string option)
    {
        var options = new TraceOptions { IdleSeconds = idle, MaxSpans = maxSpans, SampleProbability = probability };

        var result = new TraceOptionsValidator().Validate(null, options);

        Assert.True(result.Failed);
        var failure = Assert.Single(result.Failures!);
        Assert.StartsWith(option + " ", failure, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', failure);
    }

    [Theory]
    [InlineData(0.001, 1, 0.0)]
    [InlineData(3600.0, int.MaxValue, 1.0)]
    public void BoundaryValuesAreValid(double idle, int maxSpans, double probability)
    {
        var options = new TraceOptions { IdleSeconds = idle, MaxSpans = maxSpans, SampleProbability = probability };

        Assert.True(new TraceOptionsValidator().Validate(null, options).Succeeded);
    }

    [Theory]
    [InlineData(0.0)]
    [InlineData(-1.0)]
    [InlineData(double.NaN)]
    [InlineData(double.PositiveInfinity)]
    [InlineData(87_601.0)]
    public void InvalidKeptTraceRetentionFailsNamingTheOption(double hours)
    {
        var result = new TraceOptionsValidator().Validate(null, new TraceOptions { KeptTraceRetentionHours = hours });

        var failure = Assert.Single(result.Failures!);
        Assert.StartsWith("OtlpGrains:Traces:KeptTraceRetentionHours ", failure, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(0.01)]
    [InlineData(87_600.0)]
    public void KeptTraceRetentionBoundariesAreValid(double hours) =>
        Assert.True(new TraceOptionsValidator().Validate(null, new TraceOptions { KeptTraceRetentionHours = hours }).Succeeded);

    [Fact]
    public void AllFailuresAreReportedTogether()
    {
        var options = new TraceOptions { IdleSeconds = 0, MaxSpans = 0, SampleProbability = 2 };

        var result = new TraceOptionsValidator().Validate(null, options);

        Assert.Equal(3, result.Failures!.Count());
    }
}
