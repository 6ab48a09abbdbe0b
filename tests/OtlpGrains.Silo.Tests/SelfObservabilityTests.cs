using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry.Exporter;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;
using OtlpGrains.Hosting;
using Xunit;

namespace OtlpGrains.Silo.Tests;

/// <summary>
/// The silo's own observability: <c>/metrics</c> through prometheus-net with the gateway's counters, the grains'
/// drop counters, the per-service series and Orleans' meter on one page; and its traces and metrics over OTLP when
/// the standard variables are set (here, to the fixture silo's own gateway), none when not.
/// </summary>
[Collection(SiloCollection.Name)]
public sealed class SelfObservabilityTests(SiloFixture silo)
{
    [Fact]
    public async Task MetricsServesTheGatewayTheGrainsTheServicesAndOrleansOnOnePage()
    {
        long requestsBefore = Sample(await silo.Api.GetStringAsync("/metrics"), "otlpgrains_gateway_requests_total{signal=\"traces\"}");
        var scenario = new CheckoutScenario($"prom-{Guid.NewGuid():N}"[..16], traces: 6);
        scenario.Run(OtlpExportProtocol.Grpc, silo.GrpcEndpoint);
        await SiloFixture.EventuallyAsync(() => silo.ServiceAsync(scenario.Frontend), s => s?.GetProperty("requests").GetInt64() == 6);

        var text = await silo.Api.GetStringAsync("/metrics");

        Assert.True(Sample(text, "otlpgrains_gateway_requests_total{signal=\"traces\"}") > requestsBefore);
        Assert.Equal(6, Sample(text, $"otlpgrains_service_requests_total{{service=\"{scenario.Frontend}\"}}"));
        Assert.Equal(6, Sample(text, $"otlpgrains_service_request_duration_seconds_count{{service=\"{scenario.Frontend}\"}}"));
        Assert.Equal(0, Sample(text, "otlpgrains_gateway_refused_requests_total{reason=\"busy\",signal=\"logs\"}"));
        Assert.Equal(65_536, Sample(text, "otlpgrains_gateway_in_flight_items_limit"));
        Assert.Contains("\notlpgrains_grains_refused_edge_calls_total ", text, StringComparison.Ordinal);
        Assert.Contains("\notlpgrains_grains_cut_spans_total ", text, StringComparison.Ordinal);
        // Orleans' own meter, e.g. its grain call and messaging instruments.
        Assert.Contains("\nmicrosoft_orleans_", text, StringComparison.Ordinal);
    }

    [Fact]
    public void WithoutTheVariablesNothingIsExported()
    {
        Assert.Null(silo.App.Services.GetService<TracerProvider>());
        Assert.Null(silo.App.Services.GetService<MeterProvider>());
    }

    [Fact]
    public async Task WithTheVariableSetTheSiloSendsItsOwnTracesAndMetricsOverOtlp()
    {
        var name = $"self-{Guid.NewGuid():N}"[..16];
        await using var watched = new SiloFixture(
        [
            $"--OTEL_EXPORTER_OTLP_ENDPOINT={silo.GrpcEndpoint}",
            $"--OTEL_SERVICE_NAME={name}",
            "--OTEL_METRIC_EXPORT_INTERVAL=500",
            "--OTEL_BSP_SCHEDULE_DELAY=200",
        ]);
        await watched.InitializeAsync();
        Assert.NotNull(watched.App.Services.GetService<TracerProvider>());

        // A query API request starts a trace of the grain calls it makes.
        await watched.Api.GetStringAsync("/api/v1/services");

        // Its spans and its meters' points arrive at the fixture silo's gateway as the service it names.
        var seen = await SiloFixture.EventuallyAsync(() => ArrivedAsync(name), a => a.Spans > 0 && a.Metrics.Contains("requests_total"));
        Assert.True(seen.Spans > 0, $"no self-spans arrived; metrics: {string.Join(",", seen.Metrics)}");
        Assert.Contains("requests_total", seen.Metrics); // the gateway's meter, under its instrument name
    }

    [Fact]
    public async Task SelfTelemetrySentToItsOwnGatewayDoesNotTraceItsOwnIngest()
    {
        var name = $"loop-{Guid.NewGuid():N}"[..16];
        var ports = LoopbackPorts.Take(1);
        await using var looped = new SiloFixture(
        [
            $"--OTEL_EXPORTER_OTLP_ENDPOINT=http://127.0.0.1:{ports[0]}",
            $"--OtlpGrains:Otlp:GrpcPort={ports[0]}", // its own OTLP/gRPC port
            $"--OTEL_SERVICE_NAME={name}",
            "--OTEL_METRIC_EXPORT_INTERVAL=300",
            "--OTEL_BSP_SCHEDULE_DELAY=100",
        ]);
        await looped.InitializeAsync();
        await looped.Api.GetStringAsync("/api/v1/services"); // one traced request

        // Read through /metrics, which is not traced. The looped silo's gateway counts the metric exports it receives
        // (every 300 ms): they mark the passing of time without a grain call.
        var arrived = await SiloFixture.EventuallyAsync(() => SelfCountsAsync(looped, name), c => c.Spans > 0);
        Assert.True(arrived.Spans > 0, "the traced request's spans did not arrive");

        // The request's spans may come in more than one batch (100 ms apart): count from once its last batch is in,
        // marked by five metric exports since its first span arrived.
        var first = await AfterExportsAsync(looped, name, arrived, 5);
        var later = await AfterExportsAsync(looped, name, first, 10);
        if (later.Spans != first.Spans)
        {
            // On a starved machine a last batch of the request can come later still; once. An ingest that traced itself
            // would grow in every such stretch.
            first = later;
            later = await AfterExportsAsync(looped, name, first, 10);
        }

        // Every export since was taken in, and none of it made a span.
        Assert.Equal(first.Spans, later.Spans);
    }

    /// <summary>
    /// The counts once <paramref name="exports"/> more metric exports reached the gateway after <paramref name="from"/>.
    /// Patient: on a loaded 2-core machine the exporter's thread can stall for a minute, and the test is about what
    /// the exports cause, not how fast they come.
    /// </summary>
    private static async Task<(long Spans, long Exports)> AfterExportsAsync(SiloFixture host, string service, (long Spans, long Exports) from, int exports)
    {
        var deadline = DateTime.UtcNow.AddMinutes(3);
        var current = from;
        while (current.Exports < from.Exports + exports)
        {
            if (DateTime.UtcNow > deadline)
            {
                var text = await host.Api.GetStringAsync("/metrics");
                var gateway = text.Split('\n').Where(l => l.StartsWith("otlpgrains_gateway_re", StringComparison.Ordinal));
                Assert.Fail($"{current.Exports - from.Exports} of {exports} metric exports arrived in 3 minutes; the looped gateway's counters:\n{string.Join('\n', gateway)}");
            }

            await Task.Delay(100);
            current = await SelfCountsAsync(host, service);
        }

        return current;
    }

    private static async Task<(long Spans, long Exports)> SelfCountsAsync(SiloFixture host, string service)
    {
        var text = await host.Api.GetStringAsync("/metrics");
        return (SampleOrZero(text, $"otlpgrains_service_spans_total{{service=\"{service}\"}}"),
            SampleOrZero(text, "otlpgrains_gateway_requests_total{signal=\"metrics\"}"));
    }

    private static long SampleOrZero(string text, string series) =>
        text.Split('\n').Any(l => l.StartsWith(series + " ", StringComparison.Ordinal)) ? Sample(text, series) : 0;

    private async Task<(long Spans, string?[] Metrics)> ArrivedAsync(string service)
    {
        using var response = await silo.Api.GetAsync($"/api/v1/services/{service}");
        if (!response.IsSuccessStatusCode)
        {
            return (0, []);
        }

        var detail = await response.Content.ReadFromJsonAsync<JsonElement>();
        long spans = detail.GetProperty("spans").GetInt64();
        return (spans, [.. detail.GetProperty("metrics").EnumerateArray().Select(m => m.GetProperty("name").GetString())]);
    }

    private static long Sample(string text, string series)
    {
        var prefix = series + " ";
        var line = text.Split('\n').Single(l => l.StartsWith(prefix, StringComparison.Ordinal));
        return (long)double.Parse(line[prefix.Length..], CultureInfo.InvariantCulture);
    }
}
