using System.Net;
using OpenTelemetry.Proto.Collector.Trace.V1;
using Xunit;

namespace OtlpGrains.Silo.Tests.Security;

/// <summary>
/// The services an API key may create are capped per key: beyond the cap its new services are rejected as a partial
/// success over gRPC and HTTP alike, while another key still creates its own and names already created stay open to
/// every key.
/// </summary>
public sealed class PerKeyServiceLimitTests : IAsyncLifetime
{
    private readonly SecuredSilo _silo = new(["--OtlpGrains:Limits:MaxServicesPerKey=2"]);

    public Task InitializeAsync() => _silo.InitializeAsync();

    public Task DisposeAsync() => _silo.DisposeAsync();

    [Fact]
    public async Task AKeyCreatesNoMoreServicesThanItsLimit()
    {
        var collector = SecuredSilo.Secrets["collector"];
        Assert.Equal(0, await RejectedHttpAsync(collector, "key-a-1"));
        Assert.Equal(0, (await _silo.ExportGrpcAsync(collector, "key-a-2")).PartialSuccess?.RejectedSpans ?? 0);

        Assert.Equal(1, await RejectedHttpAsync(collector, "key-a-3"));
        var overGrpc = await _silo.ExportGrpcAsync(collector, "key-a-4");
        Assert.Equal(1, overGrpc.PartialSuccess.RejectedSpans);
        Assert.Contains("beyond the service limit", overGrpc.PartialSuccess.ErrorMessage, StringComparison.Ordinal);

        // Its own services still take spans, and another key has its own budget and may send to them too.
        Assert.Equal(0, await RejectedHttpAsync(collector, "key-a-1"));
        var other = SecuredSilo.Secrets["collector-next"];
        Assert.Equal(0, await RejectedHttpAsync(other, "key-b-1"));
        Assert.Equal(0, await RejectedHttpAsync(other, "key-a-2"));

        Assert.Equal(0, await _silo.SpansAsync("key-a-3"));
        Assert.Equal(0, await _silo.SpansAsync("key-a-4"));
        Assert.Equal(2, await _silo.SpansAsync("key-a-1"));
        Assert.Equal(
            2,
            SecuredSilo.Series(await _silo.MetricsAsync(), "otlpgrains_gateway_limited_items_total", "limit=\"services\"", "signal=\"traces\""));
    }

    private async Task<long> RejectedHttpAsync(string secret, string service)
    {
        using var response = await _silo.ExportHttpAsync(secret, service);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var answer = ExportTraceServiceResponse.Parser.ParseFrom(await response.Content.ReadAsByteArrayAsync());
        return answer.PartialSuccess?.RejectedSpans ?? 0;
    }
}
