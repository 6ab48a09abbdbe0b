using System.Diagnostics;
using System.Net;
using System.Text.Json;
using OpenTelemetry;
using OpenTelemetry.Exporter;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;
using Xunit;

namespace OtlpGrains.Silo.Tests;

/// <summary>
/// Spans that reach the silo after their trace completed (a second export, later than the idle time) join the trace
/// that was kept: the trace read back holds both exports' spans, though the later ones alone would not have been kept
/// (the fixture samples nothing by chance; only the failed first part is kept by rule).
/// </summary>
[Collection(SiloCollection.Name)]
public sealed class TraceContinuationTests(SiloFixture silo)
{
    private static readonly string[] AuditItems = ["a", "b"];

    [Fact]
    public async Task SpansThatComeAfterAKeptTraceCompletedAreJoinedToIt()
    {
        var service = "continued-" + Guid.NewGuid().ToString("N")[..8];
        using var source = new ActivitySource(service);
        using var provider = Sdk.CreateTracerProviderBuilder()
            .SetResourceBuilder(ResourceBuilder.CreateEmpty().AddService(service))
            .AddSource(source.Name)
            .AddOtlpExporter(o =>
            {
                o.Protocol = OtlpExportProtocol.Grpc;
                o.Endpoint = silo.GrpcEndpoint;
                o.TimeoutMilliseconds = 10_000;
            })
            .Build()!;

        ActivityContext root;
        using (var failed = source.StartActivity("GET /order", ActivityKind.Server, default(ActivityContext))!)
        {
            failed.SetStatus(ActivityStatusCode.Error);
            failed.SetTag("http.request.method", "GET");
            failed.SetTag("http.response.status_code", 500);
            root = failed.Context;
        }

        Assert.True(provider.ForceFlush(15_000));
        var traceId = root.TraceId.ToHexString();
        var first = await SiloFixture.EventuallyAsync(() => SpansAsync(traceId), spans => spans == 1);
        Assert.Equal(1, first);

        // The trace completed (1 s idle) and was kept: a child exported now arrives after its completion.
        using (var audit = source.StartActivity("audit", ActivityKind.Internal, root)!)
        {
            audit.SetTag("audit.items", AuditItems);
        }

        Assert.True(provider.ForceFlush(15_000));
        var joined = await SiloFixture.EventuallyAsync(() => SpansAsync(traceId), spans => spans == 2);
        Assert.Equal(2, joined);

        using var response = await silo.Api.GetAsync(new Uri($"/api/v1/traces/{traceId}", UriKind.Relative));
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal(0, body.RootElement.GetProperty("orphans").GetInt32());
        Assert.Equal("error", body.RootElement.GetProperty("keptBecause").GetString());

        // Each part keeps its spans' attributes as the SDK sent them.
        var attributes = body.RootElement.GetProperty("spans").EnumerateArray().ToDictionary(
            s => s.GetProperty("name").GetString()!,
            s => s.GetProperty("attributes").EnumerateArray().Select(a => $"{a.GetProperty("key").GetString()} {a.GetProperty("type").GetString()} {a.GetProperty("value").GetString()}").ToArray());
        Assert.Equal(["http.request.method string GET", "http.response.status_code int 500"], attributes["GET /order"]);
        Assert.Equal(["audit.items array [\"a\",\"b\"]"], attributes["audit"]);
    }

    private async Task<int> SpansAsync(string traceId)
    {
        using var response = await silo.Api.GetAsync(new Uri($"/api/v1/traces/{traceId}", UriKind.Relative));
        if (response.StatusCode != HttpStatusCode.OK)
        {
            return 0;
        }

        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return body.RootElement.GetProperty("spans").GetArrayLength();
    }
}
