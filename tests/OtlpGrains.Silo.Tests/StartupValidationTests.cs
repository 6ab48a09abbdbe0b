using OtlpGrains.Hosting;
using Xunit;

namespace OtlpGrains.Silo.Tests;

/// <summary>A bad setting stops the silo at start with one line naming it, and a non-zero exit code.</summary>
public sealed class StartupValidationTests
{
    [Theory]
    [InlineData("--OtlpGrains:Otlp:GrpcPort=70000", "OtlpGrains:Otlp:GrpcPort must be a TCP port")]
    [InlineData("--OtlpGrains:Storage:Provider=cassandra", "OtlpGrains:Storage:Provider 'cassandra' is not supported")]
    [InlineData("--OtlpGrains:Services:BucketSeconds=7", "OtlpGrains:Services:")]
    [InlineData("--OtlpGrains:Traces:SampleProbability=2", "OtlpGrains:Traces:SampleProbability must be between 0 and 1")]
    [InlineData("--OtlpGrains:Federation:Peers:0:Name=us", "OtlpGrains:Federation:ClusterName must be set when peers are set")]
    [InlineData("--OtlpGrains:Federation:PeerTimeoutSeconds=0", "OtlpGrains:Federation:PeerTimeoutSeconds must be above 0")]
    public async Task BadSettingEndsStartupWithOneLine(string setting, string expected)
    {
        var (exit, lines) = await SiloStartAttempt.RunAsync(setting);

        Assert.Equal(HostRunner.ConfigurationError, exit);
        Assert.NotEmpty(lines);
        Assert.All(lines, l => Assert.StartsWith("configuration error: ", l, StringComparison.Ordinal));
        Assert.Contains(lines, l => l.Contains(expected, StringComparison.Ordinal));
    }
}
