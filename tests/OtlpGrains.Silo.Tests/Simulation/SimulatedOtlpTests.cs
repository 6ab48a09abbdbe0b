using Microsoft.Extensions.Time.Testing;
using OpenTelemetry.Proto.Collector.Logs.V1;
using OpenTelemetry.Proto.Collector.Metrics.V1;
using OpenTelemetry.Proto.Collector.Trace.V1;
using OpenTelemetry.Proto.Trace.V1;
using OtlpGrains.Evaluate.Replay;
using OtlpGrains.Evaluate.Simulation;
using OtlpGrains.Models.Simulation;
using OtlpGrains.Silo.Tests.Replay;
using Xunit;

namespace OtlpGrains.Silo.Tests.Simulation;

/// <summary>A simulation as OTLP requests (against a recording invoker), and the <c>simulate</c> arguments.</summary>
public sealed class SimulatedOtlpTests
{
    private static readonly DateTimeOffset Start = new(2026, 12, 4, 22, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task SimulatedItemsBecomeSpansWithKindsAttributesAndLinksLogsWithIdsAndGauges()
    {
        var time = new FakeTimeProvider(Start);
        var invoker = new RecordingOtlpInvoker(time);
        var timing = new ScenarioTiming(TimeSpan.FromSeconds(30), TimeSpan.FromSeconds(30), TimeSpan.FromSeconds(30), TimeSpan.FromSeconds(30));
        Scenario queue = SimulationScenarios.Create("failing-consumer", load: new LoadProfile(5), timing: timing);
        Scenario database = SimulationScenarios.Create("slow-database", load: new LoadProfile(5), timing: timing);
        long startNanos = EventRange.UnixNanos(Start);
        SimulatedItem[] items = [.. new Simulator(queue, startNanos, 1).Run(), .. new Simulator(database, startNanos + (long)3e12, 1).Run()];
        await using (var exporter = new OtlpExporter(invoker, maxInFlight: 2, time))
        {
            var engine = new ReplayEngine(exporter, batch: 300, time, TextWriter.Null);
            await engine.RunAsync(items.Select(i => new ReplayEvent(i.TimeUnixNano, i)), startNanos, speed: null, CancellationToken.None);
        }

        Span[] spans = [.. invoker.Sent.Select(s => s.Request).OfType<ExportTraceServiceRequest>().SelectMany(r => r.ResourceSpans).SelectMany(r => r.ScopeSpans).SelectMany(s => s.Spans)];
        Assert.Equal(items.OfType<SimulatedSpan>().Count(), spans.Length);
        Span consumer = spans.First(s => s.Kind == Span.Types.SpanKind.Consumer);
        Span producer = Assert.Single(spans, s => s.SpanId == consumer.ParentSpanId);
        Assert.Equal(Span.Types.SpanKind.Producer, producer.Kind);
        Assert.Equal(producer.SpanId, Assert.Single(consumer.Links).SpanId);
        Assert.Contains(producer.Attributes, a => a.Key == "messaging.destination.name" && a.Value.StringValue == "failing-consumer-order-events");
        Span query = spans.First(s => s.Name == "SELECT slow-database-orders-db");
        Assert.Equal(Span.Types.SpanKind.Client, query.Kind);
        Assert.Contains(query.Attributes, a => a.Key == "peer.service" && a.Value.StringValue == "slow-database-orders-db");
        Assert.Contains(query.Attributes, a => a.Key == "db.system" && a.Value.StringValue == "postgresql");
        Span failed = spans.First(s => s.Status?.Code == Status.Types.StatusCode.Error && s.Kind == Span.Types.SpanKind.Server);
        Assert.Contains(failed.Attributes, a => a.Key == "http.response.status_code" && a.Value.IntValue == 500);

        var logs = invoker.Sent.Select(s => s.Request).OfType<ExportLogsServiceRequest>().SelectMany(r => r.ResourceLogs).ToArray();
        var errors = logs.SelectMany(r => r.ScopeLogs).SelectMany(s => s.LogRecords).Where(l => l.SeverityText == "ERROR").ToArray();
        Assert.Contains(errors, l => l.SpanId == failed.SpanId && l.TraceId == failed.TraceId);
        Assert.Equal(items.OfType<SimulatedLog>().Count(), logs.SelectMany(r => r.ScopeLogs).Sum(s => s.LogRecords.Count));

        var metrics = invoker.Sent.Select(s => s.Request).OfType<ExportMetricsServiceRequest>().SelectMany(r => r.ResourceMetrics).ToArray();
        var cpu = metrics.Where(r => r.Resource.Attributes.Any(a => a.Key == "k8s.pod.name" && a.Value.StringValue == queue.Topology.Service("failing-consumer-labels").Pod(1)))
            .SelectMany(r => r.ScopeMetrics).SelectMany(s => s.Metrics).Where(m => m.Name == "container.cpu.utilization").SelectMany(m => m.Gauge.DataPoints).ToArray();
        Assert.Equal((int)(queue.Duration / Simulator.GaugeInterval), cpu.Length);
        Assert.All(cpu, p => Assert.InRange(p.AsDouble, 0.005, 1));
    }

    [Fact]
    public async Task RoutedServicesSendEverySignalToTheirOwnEndpointAndTheRestToTheDefault()
    {
        var time = new FakeTimeProvider(Start);
        var local = new RecordingOtlpInvoker(time);
        var peer = new RecordingOtlpInvoker(time);
        var timing = new ScenarioTiming(TimeSpan.FromSeconds(30), TimeSpan.FromSeconds(30), TimeSpan.FromSeconds(30), TimeSpan.FromSeconds(30));
        Scenario chain = SimulationScenarios.Create("erroring-middle-tier", load: new LoadProfile(5), timing: timing);
        string[] routed = ["erroring-middle-tier-orders", "erroring-middle-tier-payments"];
        long startNanos = EventRange.UnixNanos(Start);
        SimulatedItem[] items = [.. new Simulator(chain, startNanos, 1).Run()];
        var routes = new ServiceRoutes(local, s => routed.Contains(s) ? peer : null);
        await using (var exporter = new OtlpExporter(local, maxInFlight: 2, time, routes))
        {
            var engine = new ReplayEngine(exporter, batch: 300, time, TextWriter.Null);
            await engine.RunAsync(items.Select(i => new ReplayEvent(i.TimeUnixNano, i)), startNanos, speed: null, CancellationToken.None);
            Assert.Equal(items.OfType<SimulatedSpan>().Count(), exporter.Traces.Acknowledged);
        }

        static string[] Services(RecordingOtlpInvoker invoker) =>
        [
            .. invoker.Sent.Select(s => s.Request).SelectMany(r => r switch
            {
                ExportTraceServiceRequest t => t.ResourceSpans.Select(x => x.Resource),
                ExportLogsServiceRequest l => l.ResourceLogs.Select(x => x.Resource),
                ExportMetricsServiceRequest m => m.ResourceMetrics.Select(x => x.Resource),
                _ => [],
            }).Select(r => r.Attributes.First(a => a.Key == "service.name").Value.StringValue).Distinct().Order(),
        ];

        Assert.Equal(routed, Services(peer));
        Assert.Equal(
            chain.Topology.Services.Select(s => s.Name).Except(routed).Order(),
            Services(local));
        Assert.NotEmpty(peer.Sent.Select(s => s.Request).OfType<ExportLogsServiceRequest>());
        Assert.NotEmpty(peer.Sent.Select(s => s.Request).OfType<ExportMetricsServiceRequest>());
    }

    [Fact]
    public void GraphEdgesToWaitForIncludeDatabasesAndQueueConsumers()
    {
        IReadOnlySet<(string, string)> database = ServiceGraphWait.EdgesOf(Topologies.SharedDatabase("d-", 4));
        IReadOnlySet<(string, string)> queue = ServiceGraphWait.EdgesOf(Topologies.AsyncQueue("q-"));

        // The front end's 4 calls, 4 services on orders-db, 2 on session-cache.
        Assert.Equal(10, database.Count);
        Assert.Contains(("d-orders", "d-session-cache"), database);
        Assert.Equal([("q-frontend", "q-orders"), ("q-orders", "q-shipping"), ("q-shipping", "q-labels")], queue.Order());
    }

    [Theory]
    [InlineData(new[] { "--scenario", "all", "--seed", "5", "--speed", "60", "--rate", "3", "--run-id", "r1" }, 7, "r1-", 5, 60.0, 3.0)]
    [InlineData(new[] { "--scenario", "retry-storm" }, 1, "", 1, null, 8.0)]
    public void ArgumentsAreRead(string[] args, int scenarios, string runId, int seed, double? speed, double rate)
    {
        SimulateOptions options = SimulateOptions.Parse(args, out string? error)!;

        Assert.Null(error);
        Assert.Equal((scenarios, runId, seed, speed, rate), (options.Scenarios.Count, options.RunId, options.Seed, options.Speed, options.Rate));
    }

    [Fact]
    public void RoutesAndTheApiKeyAreRead()
    {
        SimulateOptions options = SimulateOptions.Parse(
            ["--scenario", "slow-leaf", "--api-key", "k1", "--route", "slow-leaf-pricing=http://10.0.0.2:4317", "--route", "slow-leaf-catalog=https://us.example:4317"], out string? error)!;

        Assert.Null(error);
        Assert.Equal("k1", options.ApiKey);
        Assert.Equal(
            [new SimulateRoute("slow-leaf-pricing", new Uri("http://10.0.0.2:4317")), new SimulateRoute("slow-leaf-catalog", new Uri("https://us.example:4317"))],
            options.Routes);
    }

    [Theory]
    [InlineData(new[] { "--seed", "1" }, "--scenario NAME|all is required")]
    [InlineData(new[] { "--scenario", "meltdown" }, "unknown scenario 'meltdown' (known: all, slow-leaf, erroring-middle-tier, cascade-two-hops-down, cpu-starved-instance, slow-database, retry-storm, failing-consumer)")]
    [InlineData(new[] { "--scenario", "all", "--rate", "0" }, "bad --rate '0'")]
    [InlineData(new[] { "--scenario", "all", "--run-id", "a b" }, "bad --run-id 'a b'")]
    [InlineData(new[] { "--scenario" }, "--scenario needs a value, or is not an option")]
    [InlineData(new[] { "--scenario", "all", "--route", "pricing" }, "bad --route 'pricing'")]
    [InlineData(new[] { "--scenario", "all", "--route", "pricing=ftp://x" }, "bad --route 'pricing=ftp://x'")]
    public void BadArgumentsAreRefusedInOneLine(string[] args, string message)
    {
        Assert.Null(SimulateOptions.Parse(args, out string? error));
        Assert.Equal(message, error);
    }
}
