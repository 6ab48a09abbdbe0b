using Grpc.Core;
using Grpc.Net.Client;
using OpenTelemetry.Proto.Collector.Trace.V1;
using Xunit;

namespace OtlpGrains.Silo.Tests;

/// <summary>
/// An OTLP/gRPC request over <c>MaxRequestBytes</c> gets RESOURCE_EXHAUSTED, is counted as <c>too_large</c> as an
/// HTTP 413 is, and ingests nothing; one under it goes through.
/// </summary>
public sealed class GrpcOversizeTests
{
    private const int Limit = 4096;

    [Fact]
    public async Task ARequestOverTheLimitIsResourceExhaustedAndCounted()
    {
        await using var silo = new SiloFixture([$"--OtlpGrains:Otlp:MaxRequestBytes={Limit}"]);
        await silo.InitializeAsync();
        using var channel = GrpcChannel.ForAddress(silo.GrpcEndpoint);
        var client = new TraceService.TraceServiceClient(channel);
        var service = $"oversize-{Guid.NewGuid():N}"[..18];

        var big = OneSpanRequests.Request(service, new string('x', 2 * Limit));
        Assert.True(big.CalculateSize() > Limit);
        var refused = await Assert.ThrowsAsync<RpcException>(async () => await client.ExportAsync(big));
        Assert.Equal(StatusCode.ResourceExhausted, refused.StatusCode);
        Assert.Equal(1, await TooLargeAsync(silo));
        Assert.DoesNotContain(service, await silo.Api.GetStringAsync(new Uri("/api/v1/services", UriKind.Relative)), StringComparison.Ordinal);

        await client.ExportAsync(OneSpanRequests.Request(service));
        Assert.Equal(1, await TooLargeAsync(silo));
    }

    private static async Task<long> TooLargeAsync(SiloFixture silo)
    {
        const string Series = "otlpgrains_gateway_refused_requests_total{reason=\"too_large\",signal=\"traces\"} ";
        var text = await silo.Api.GetStringAsync(new Uri("/metrics", UriKind.Relative));
        var line = text.Split('\n').Single(l => l.StartsWith(Series, StringComparison.Ordinal));
        return long.Parse(line[Series.Length..], System.Globalization.CultureInfo.InvariantCulture);
    }
}
