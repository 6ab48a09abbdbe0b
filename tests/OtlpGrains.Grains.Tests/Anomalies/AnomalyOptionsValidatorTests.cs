using OtlpGrains.Grains.Anomalies;
using Xunit;

namespace OtlpGrains.Grains.Tests.Anomalies;

public sealed class AnomalyOptionsValidatorTests
{
    [Fact]
    public void DefaultsAreValid()
    {
        var options = new AnomalyOptions();

        Assert.Equal("red", options.Model);
        Assert.True(new AnomalyOptionsValidator().Validate(null, options).Succeeded);
    }

    [Theory]
    [InlineData("", 5, 30, "OtlpGrains:Anomaly:Model")]
    [InlineData("Red Model", 5, 30, "OtlpGrains:Anomaly:Model")]
    [InlineData("red", 0, 30, "OtlpGrains:Anomaly:ReportSeconds")]
    [InlineData("red", double.NaN, 30, "OtlpGrains:Anomaly:ReportSeconds")]
    [InlineData("red", 5, 0.5, "OtlpGrains:Anomaly:RefreshSeconds")]
    [InlineData("red", 5, double.PositiveInfinity, "OtlpGrains:Anomaly:RefreshSeconds")]
    public void InvalidValueFailsNamingTheSetting(string model, double report, double refresh, string setting)
    {
        var options = new AnomalyOptions { Model = model, ReportSeconds = report, RefreshSeconds = refresh };

        var result = new AnomalyOptionsValidator().Validate(null, options);

        Assert.True(result.Failed);
        var failure = Assert.Single(result.Failures!);
        Assert.StartsWith(setting + " ", failure, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', failure);
    }
}
