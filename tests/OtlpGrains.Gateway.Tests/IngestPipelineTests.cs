using System.Text;
using Google.Protobuf;
using OpenTelemetry.Proto.Collector.Logs.V1;
using OpenTelemetry.Proto.Collector.Metrics.V1;
using OpenTelemetry.Proto.Collector.Trace.V1;
using OpenTelemetry.Proto.Logs.V1;
using OpenTelemetry.Proto.Metrics.V1;
using OtlpGrains.Gateway.Ingest;
using OtlpGrains.Interfaces;
using Xunit;
using static OtlpGrains.Gateway.Tests.TraceRequests;
using SpanKind = OpenTelemetry.Proto.Trace.V1.Span.Types.SpanKind;

namespace OtlpGrains.Gateway.Tests;

public sealed class IngestPipelineTests
{
    [Fact]
    public async Task CallsEachServiceAndEachTraceOncePerRequest()
    {
        var gateway = new GatewayUnderTest();
        var request = Request(
            Resource(Service("web"), [Span(1, 1, kind: SpanKind.Server), Span(1, 2, parent: 1, kind: SpanKind.Client)], [Span(2, 3, kind: SpanKind.Server)]),
            Resource(Service("api"), [Span(1, 4, parent: 2, kind: SpanKind.Server), Span(2, 5, parent: 3), Span(3, 6), Span(3, 7, parent: 6)]));

        var outcome = await gateway.Pipeline.IngestTracesAsync(request, CancellationToken.None);

        Assert.Equal(new IngestOutcome(IngestStatus.Accepted, 0, null), outcome);
        // Two services, and one call per trace shard the three traces fall in.
        Assert.Equal(2 + new[] { TraceKey(1), TraceKey(2), TraceKey(3) }.Select(k => TraceShards.Of(Interfaces.TraceKey.Parse(k))).Distinct().Count(), gateway.Grains.Calls);
        Assert.Equal(["api", "web"], gateway.Grains.Services.Keys.Order(StringComparer.Ordinal));
        Assert.Equal(3, Assert.Single(gateway.Grains.Services["web"].SpanBatches).Spans.Length);
        Assert.Equal(4, Assert.Single(gateway.Grains.Services["api"].SpanBatches).Spans.Length);
        Assert.Equal([TraceKey(1), TraceKey(2), TraceKey(3)], gateway.Grains.Traces.Keys.Order(StringComparer.Ordinal));
        Assert.Equal([1UL, 2UL, 4UL], Assert.Single(gateway.Grains.Traces[TraceKey(1)].Batches).Spans.Select(s => s.SpanId).Order());
        Assert.Equal(2, Assert.Single(gateway.Grains.Traces[TraceKey(3)].Batches).Spans.Length);

        // Every batch of the request carries the same, fresh id.
        var batchIds = gateway.Grains.Services.Values.Select(s => s.SpanBatches[0].BatchId)
            .Concat(gateway.Grains.Traces.Values.Select(t => t.BatchIds[0]))
            .Distinct()
            .ToArray();
        Assert.NotEqual(Guid.Empty, Assert.Single(batchIds));

        Assert.Equal(7, gateway.Metrics.AcceptedItems(Signal.Traces));
        Assert.Equal(0, gateway.Metrics.InvalidItems(Signal.Traces));
        Assert.Equal(0, gateway.Limiter.InFlight);
    }

    [Fact]
    public async Task NewServicesBeyondTheServiceLimitAreRejectedBeforeAnyOfTheirGrainsIsCalled()
    {
        var gateway = new GatewayUnderTest();
        gateway.Grains.Catalog.MaxServices = 2;
        var request = Request(
            Resource(Service("web"), [Span(1, 1, kind: SpanKind.Server), Span(1, 2, parent: 1, kind: SpanKind.Client)]),
            Resource(Service("api"), [Span(1, 3, parent: 2, kind: SpanKind.Server)]),
            Resource(Service("made-up-1"), [Span(1, 4, parent: 3), Span(2, 5)]),
            Resource(Service("made-up-2"), [Span(3, 6)]));

        var outcome = await gateway.Pipeline.IngestTracesAsync(request, CancellationToken.None);

        // OTLP partial success: the spans of the services beyond the limit are rejected, with the reason.
        Assert.Equal(IngestStatus.PartiallyAccepted, outcome.Status);
        Assert.Equal(3, outcome.Rejected);
        Assert.Contains("2 new service(s) beyond the service limit", outcome.Message, StringComparison.Ordinal);
        Assert.Equal(["api", "web"], gateway.Grains.Services.Keys.Order(StringComparer.Ordinal));
        Assert.Equal([1UL, 2UL, 3UL], Assert.Single(gateway.Grains.Traces[TraceKey(1)].Batches).Spans.Select(s => s.SpanId).Order());
        Assert.False(gateway.Grains.Traces.ContainsKey(TraceKey(2)));
        Assert.False(gateway.Grains.Traces.ContainsKey(TraceKey(3)));
        Assert.Equal(3, gateway.Metrics.AcceptedItems(Signal.Traces));
        Assert.Equal(3, gateway.Metrics.LimitedItems(Signal.Traces));

        // Services this gateway has seen admitted pass without asking the catalog again.
        int admissions = gateway.Grains.Catalog.Admissions;
        await gateway.Pipeline.IngestTracesAsync(Request("web", Span(4, 7)), CancellationToken.None);
        Assert.Equal(admissions, gateway.Grains.Catalog.Admissions);
    }

    [Fact]
    public async Task MetricsAndLogsOfServicesBeyondTheLimitAreRejectedToo()
    {
        var gateway = new GatewayUnderTest();
        gateway.Grains.Catalog.MaxServices = 1;
        await gateway.Pipeline.IngestTracesAsync(Request("web", Span(1, 1)), CancellationToken.None);

        var metrics = await gateway.Pipeline.IngestMetricsAsync(
            new ExportMetricsServiceRequest { ResourceMetrics = { MetricsOf("web", Gauge("cpu", 1)), MetricsOf("other", Gauge("cpu", 2)) } },
            CancellationToken.None);
        var logs = await gateway.Pipeline.IngestLogsAsync(
            new ExportLogsServiceRequest { ResourceLogs = { LogsOf("web", new LogRecord()), LogsOf("other", new LogRecord()) } },
            CancellationToken.None);

        Assert.Equal((IngestStatus.PartiallyAccepted, 1), (metrics.Status, metrics.Rejected));
        Assert.Equal((IngestStatus.PartiallyAccepted, 1), (logs.Status, logs.Rejected));
        Assert.Equal(["web"], gateway.Grains.Services.Keys);
        Assert.Equal(1, gateway.Metrics.LimitedItems(Signal.Metrics));
        Assert.Equal(1, gateway.Metrics.LimitedItems(Signal.Logs));
    }

    [Fact]
    public async Task EachRequestGetsItsOwnBatchId()
    {
        var gateway = new GatewayUnderTest();

        await gateway.Pipeline.IngestTracesAsync(Request("svc", Span(1, 1)), CancellationToken.None);
        await gateway.Pipeline.IngestTracesAsync(Request("svc", Span(1, 2, parent: 1)), CancellationToken.None);

        var batches = gateway.Grains.Services["svc"].SpanBatches;
        Assert.Equal(2, batches.Count);
        Assert.NotEqual(batches[0].BatchId, batches[1].BatchId);
        Assert.Equal(2, gateway.Grains.Traces[TraceKey(1)].Batches.Count);
    }

    [Fact]
    public async Task AllInvalidIsRefusedWithoutCallingAnyGrain()
    {
        var gateway = new GatewayUnderTest();
        var noTrace = Span(1, 1);
        noTrace.TraceId = ByteString.Empty;
        var noSpan = Span(1, 2);
        noSpan.SpanId = ByteString.Empty;

        var outcome = await gateway.Pipeline.IngestTracesAsync(Request("svc", noTrace, noSpan), CancellationToken.None);

        Assert.Equal(IngestStatus.Invalid, outcome.Status);
        Assert.Equal(2, outcome.Rejected);
        Assert.Equal("all 2 spans rejected: trace id must be 16 bytes and not all zero (got 0 bytes)", outcome.Message);
        Assert.Equal(0, gateway.Grains.Calls);
        Assert.Empty(gateway.Grains.Services);
        Assert.Empty(gateway.Grains.Traces);
        Assert.Equal(2, gateway.Metrics.InvalidItems(Signal.Traces));
        Assert.Equal(0, gateway.Metrics.AcceptedItems(Signal.Traces));
        Assert.Equal(1, gateway.Metrics.RefusedRequests(Signal.Traces, RefusalReason.Invalid));
        Assert.Equal(0, gateway.Limiter.InFlight);
    }

    [Fact]
    public async Task PartlyInvalidHandsOnlyTheValidSpansToTheGrains()
    {
        var gateway = new GatewayUnderTest();
        var badParent = Span(1, 2, parent: 1);
        badParent.ParentSpanId = ByteString.CopyFrom(1, 2, 3);

        var outcome = await gateway.Pipeline.IngestTracesAsync(Request("svc", Span(1, 1), badParent, Span(1, 3, parent: 1)), CancellationToken.None);

        Assert.Equal(IngestStatus.PartiallyAccepted, outcome.Status);
        Assert.Equal(1, outcome.Rejected);
        Assert.Equal("1 spans rejected: parent span id must be empty or 8 bytes (got 3 bytes)", outcome.Message);
        Assert.Equal(2, gateway.Grains.Calls);
        Assert.Equal(2, Assert.Single(gateway.Grains.Services["svc"].SpanBatches).Spans.Length);
        Assert.Equal([1UL, 3UL], Assert.Single(gateway.Grains.Traces[TraceKey(1)].Batches).Spans.Select(s => s.SpanId));
        Assert.Equal(2, gateway.Metrics.AcceptedItems(Signal.Traces));
        Assert.Equal(1, gateway.Metrics.InvalidItems(Signal.Traces));
        Assert.Equal(0, gateway.Metrics.RefusedRequests(Signal.Traces, RefusalReason.Invalid));
        Assert.Equal(0, gateway.Limiter.InFlight);
    }

    [Fact]
    public async Task EmptyRequestIsAcceptedWithoutCalls()
    {
        var gateway = new GatewayUnderTest();

        var outcome = await gateway.Pipeline.IngestTracesAsync(new ExportTraceServiceRequest(), CancellationToken.None);

        Assert.Equal(new IngestOutcome(IngestStatus.Accepted, 0, null), outcome);
        Assert.Equal(0, gateway.Grains.Calls);
        Assert.Contains("otlpgrains_gateway_requests_total{signal=\"traces\"} 1\n", await gateway.ScrapeAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task ItemsInFlightBeyondTheLimitMakeTheNextRequestBusy()
    {
        var gateway = new GatewayUnderTest(maxInFlightItems: 4);
        var blocked = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        gateway.Grains.Completion = blocked.Task;

        var first = gateway.Pipeline.IngestTracesAsync(Request("a", Span(1, 1), Span(1, 2, parent: 1), Span(1, 3, parent: 1)), CancellationToken.None);

        Assert.False(first.IsCompleted);
        Assert.Equal(3, gateway.Limiter.InFlight);
        Assert.Equal(2, gateway.Grains.Calls);

        var second = await gateway.Pipeline.IngestTracesAsync(Request("b", Span(2, 1), Span(2, 2, parent: 1)), CancellationToken.None);

        Assert.Equal(IngestStatus.Busy, second.Status);
        Assert.Equal(0, second.Rejected);
        Assert.Equal("gateway busy: 3 items in flight (limit 4); retry later", second.Message);
        Assert.Equal(2, gateway.Grains.Calls);
        Assert.False(gateway.Grains.Services.ContainsKey("b"));
        Assert.Equal(1, gateway.Metrics.RefusedRequests(Signal.Traces, RefusalReason.Busy));
        Assert.Equal(3, gateway.Limiter.InFlight);

        // One item still fits exactly under the limit while the first request waits.
        var third = gateway.Pipeline.IngestTracesAsync(Request("c", Span(3, 1)), CancellationToken.None);
        Assert.False(third.IsCompleted);
        Assert.Equal(4, gateway.Limiter.InFlight);

        blocked.SetResult();
        Assert.Equal(IngestStatus.Accepted, (await first).Status);
        Assert.Equal(IngestStatus.Accepted, (await third).Status);
        Assert.Equal(0, gateway.Limiter.InFlight);
        Assert.Equal(4, gateway.Metrics.AcceptedItems(Signal.Traces));

        // With the room back, the refused request goes through.
        gateway.Grains.Completion = Task.CompletedTask;
        var retried = await gateway.Pipeline.IngestTracesAsync(Request("b", Span(2, 1), Span(2, 2, parent: 1)), CancellationToken.None);
        Assert.Equal(IngestStatus.Accepted, retried.Status);
        Assert.Equal(6, gateway.Metrics.AcceptedItems(Signal.Traces));
        Assert.Equal(0, gateway.Limiter.InFlight);
    }

    [Fact]
    public async Task RequestLargerThanTheLimitIsAdmittedWhenNothingElseIsInFlight()
    {
        var gateway = new GatewayUnderTest(maxInFlightItems: 2);

        var outcome = await gateway.Pipeline.IngestTracesAsync(Request("svc", Span(1, 1), Span(1, 2, parent: 1), Span(1, 3, parent: 1)), CancellationToken.None);

        Assert.Equal(IngestStatus.Accepted, outcome.Status);
        Assert.Equal(3, gateway.Metrics.AcceptedItems(Signal.Traces));
        Assert.Equal(0, gateway.Limiter.InFlight);
    }

    [Fact]
    public async Task GrainFailureIsUnavailableAndReleasesTheBudget()
    {
        var gateway = new GatewayUnderTest();
        gateway.Grains.Failure = new TimeoutException("silo went away");

        var outcome = await gateway.Pipeline.IngestTracesAsync(Request("svc", Span(1, 1), Span(1, 2, parent: 1)), CancellationToken.None);

        Assert.Equal(IngestStatus.Unavailable, outcome.Status);
        Assert.Equal(0, outcome.Rejected);
        Assert.Equal("cluster unavailable (TimeoutException); retry", outcome.Message);
        Assert.Equal(1, gateway.Metrics.RefusedRequests(Signal.Traces, RefusalReason.Unavailable));
        Assert.Equal(0, gateway.Metrics.AcceptedItems(Signal.Traces));
        Assert.Equal(0, gateway.Limiter.InFlight);
    }

    [Fact]
    public async Task PartlyInvalidRequestThatFailsCountsNoItems()
    {
        var gateway = new GatewayUnderTest();
        gateway.Grains.Failure = new InvalidOperationException("boom");
        var bad = Span(1, 2);
        bad.SpanId = ByteString.Empty;

        var outcome = await gateway.Pipeline.IngestTracesAsync(Request("svc", Span(1, 1), bad), CancellationToken.None);

        // The sender retries the whole request, so neither its good nor its bad spans count yet.
        Assert.Equal(IngestStatus.Unavailable, outcome.Status);
        Assert.Equal(0, gateway.Metrics.AcceptedItems(Signal.Traces));
        Assert.Equal(0, gateway.Metrics.InvalidItems(Signal.Traces));
        Assert.Equal(0, gateway.Limiter.InFlight);
    }

    [Fact]
    public async Task GrainsThatDoNotAnswerInTimeAreUnavailable()
    {
        // A zero timeout fails at once on a pending call, so no clock is needed.
        var gateway = new GatewayUnderTest(grainTimeoutSeconds: 0);
        var never = new TaskCompletionSource();
        gateway.Grains.Completion = never.Task;

        var outcome = await gateway.Pipeline.IngestTracesAsync(Request("svc", Span(1, 1)), CancellationToken.None);

        Assert.Equal(IngestStatus.Unavailable, outcome.Status);
        Assert.Equal("cluster unavailable (TimeoutException); retry", outcome.Message);
        Assert.Equal(0, gateway.Limiter.InFlight);
    }

    [Fact]
    public async Task CancelledRequestPropagatesAndReleasesTheBudget()
    {
        var gateway = new GatewayUnderTest();
        var never = new TaskCompletionSource();
        gateway.Grains.Completion = never.Task;
        using var aborted = new CancellationTokenSource();

        var pending = gateway.Pipeline.IngestTracesAsync(Request("svc", Span(1, 1), Span(1, 2, parent: 1)), aborted.Token);
        Assert.Equal(2, gateway.Limiter.InFlight);
        await aborted.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () => await pending);
        Assert.Equal(0, gateway.Limiter.InFlight);
        Assert.Equal(0, gateway.Metrics.RefusedRequests(Signal.Traces, RefusalReason.Unavailable));
        Assert.Equal(0, gateway.Metrics.AcceptedItems(Signal.Traces));
    }

    [Fact]
    public async Task MetricsGoOncePerServiceAndCountUnderTheirSignal()
    {
        var gateway = new GatewayUnderTest();
        var request = new ExportMetricsServiceRequest
        {
            ResourceMetrics =
            {
                MetricsOf("a", Gauge("cpu", 1), Gauge("", 2)),
                MetricsOf("b", Gauge("cpu", 3)),
                MetricsOf("a", Gauge("mem", 4)),
            },
        };

        var outcome = await gateway.Pipeline.IngestMetricsAsync(request, CancellationToken.None);

        Assert.Equal(IngestStatus.PartiallyAccepted, outcome.Status);
        Assert.Equal(1, outcome.Rejected);
        Assert.Equal("1 data points rejected: metric name must not be empty", outcome.Message);
        Assert.Equal(2, gateway.Grains.Calls);
        Assert.Equal(["cpu", "mem"], Assert.Single(gateway.Grains.Services["a"].MetricBatches).Names);
        Assert.Equal([3.0], Assert.Single(gateway.Grains.Services["b"].MetricBatches).Points.Select(p => p.Value));
        Assert.Equal(3, gateway.Metrics.AcceptedItems(Signal.Metrics));
        Assert.Equal(1, gateway.Metrics.InvalidItems(Signal.Metrics));
        Assert.Equal(0, gateway.Metrics.AcceptedItems(Signal.Traces));
        Assert.Equal(0, gateway.Limiter.InFlight);
    }

    [Fact]
    public async Task LogsGoOncePerServiceAndAllInvalidIsRefused()
    {
        var gateway = new GatewayUnderTest();
        var request = new ExportLogsServiceRequest
        {
            ResourceLogs =
            {
                LogsOf("a", new LogRecord { TimeUnixNano = 10, SeverityNumber = SeverityNumber.Warn }, new LogRecord { TimeUnixNano = 11 }),
                LogsOf("b", new LogRecord { TimeUnixNano = 12, SeverityNumber = SeverityNumber.Error }),
            },
        };

        var accepted = await gateway.Pipeline.IngestLogsAsync(request, CancellationToken.None);

        Assert.Equal(new IngestOutcome(IngestStatus.Accepted, 0, null), accepted);
        Assert.Equal(2, gateway.Grains.Calls);
        Assert.Equal([10L, 11L], Assert.Single(gateway.Grains.Services["a"].LogBatches).Logs.Select(l => l.TimeUnixNano));
        Assert.Equal(17, Assert.Single(Assert.Single(gateway.Grains.Services["b"].LogBatches).Logs).SeverityNumber);
        Assert.Equal(3, gateway.Metrics.AcceptedItems(Signal.Logs));

        var invalid = await gateway.Pipeline.IngestLogsAsync(
            new ExportLogsServiceRequest { ResourceLogs = { LogsOf("a", new LogRecord { SpanId = ByteString.CopyFrom(1) }) } },
            CancellationToken.None);

        Assert.Equal(IngestStatus.Invalid, invalid.Status);
        Assert.Equal("all 1 log records rejected: log span id must be empty or 8 bytes and not all zero (got 1 bytes)", invalid.Message);
        Assert.Equal(2, gateway.Grains.Calls);
        Assert.Equal(1, gateway.Metrics.RefusedRequests(Signal.Logs, RefusalReason.Invalid));
        Assert.Equal(0, gateway.Limiter.InFlight);
    }

    [Fact]
    public async Task ErrorLogsMarkTheirTraceOncePerRequest()
    {
        var gateway = new GatewayUnderTest();
        byte[] failing = [.. Enumerable.Range(1, 16).Select(i => (byte)i)];
        byte[] fine = [.. Enumerable.Range(101, 16).Select(i => (byte)i)];
        var request = new ExportLogsServiceRequest
        {
            ResourceLogs =
            {
                LogsOf("a",
                    new LogRecord { TraceId = ByteString.CopyFrom(failing), SeverityNumber = SeverityNumber.Error },
                    new LogRecord { TraceId = ByteString.CopyFrom(failing), SeverityNumber = SeverityNumber.Fatal },
                    new LogRecord { TraceId = ByteString.CopyFrom(fine), SeverityNumber = SeverityNumber.Warn4 },
                    new LogRecord { SeverityNumber = SeverityNumber.Error }),
            },
        };

        var outcome = await gateway.Pipeline.IngestLogsAsync(request, CancellationToken.None);

        Assert.Equal(IngestStatus.Accepted, outcome.Status);
        var marked = Assert.Single(gateway.Grains.Traces);
        Assert.Equal(Convert.ToHexStringLower(failing), marked.Key);
        Assert.Equal(1, marked.Value.ErrorLogMarks);
        Assert.Equal(2, gateway.Grains.Calls);
    }

    [Fact]
    public async Task LogWithoutTimesGetsTheReceiveTime()
    {
        var now = new DateTimeOffset(2025, 3, 4, 5, 6, 7, TimeSpan.Zero).AddTicks(1234);
        var gateway = new GatewayUnderTest(time: new FixedTimeProvider(now));

        await gateway.Pipeline.IngestLogsAsync(new ExportLogsServiceRequest { ResourceLogs = { LogsOf("a", new LogRecord()) } }, CancellationToken.None);

        var stamp = Assert.Single(Assert.Single(gateway.Grains.Services["a"].LogBatches).Logs);
        Assert.Equal(now.ToUnixTimeMilliseconds() * 1_000_000 + 123_400, stamp.TimeUnixNano);
    }

    [Fact]
    public async Task RefusalsBeforeDecodingAreCountedPerSignalAndReason()
    {
        var gateway = new GatewayUnderTest();

        gateway.Pipeline.Refuse(Signal.Metrics, RefusalReason.TooLarge);
        gateway.Pipeline.Refuse(Signal.Metrics, RefusalReason.TooLarge);
        gateway.Pipeline.Refuse(Signal.Logs, RefusalReason.Malformed);

        Assert.Equal(2, gateway.Metrics.RefusedRequests(Signal.Metrics, RefusalReason.TooLarge));
        Assert.Equal(1, gateway.Metrics.RefusedRequests(Signal.Logs, RefusalReason.Malformed));
        Assert.Equal(0, gateway.Metrics.RefusedRequests(Signal.Traces, RefusalReason.TooLarge));
        var text = await gateway.ScrapeAsync();
        Assert.Contains("otlpgrains_gateway_requests_total{signal=\"metrics\"} 2\n", text, StringComparison.Ordinal);
        // prometheus-net's MeterAdapter sorts the labels by name.
        Assert.Contains("otlpgrains_gateway_refused_requests_total{reason=\"too_large\",signal=\"metrics\"} 2\n", text, StringComparison.Ordinal);
        Assert.Contains("otlpgrains_gateway_refused_requests_total{reason=\"malformed\",signal=\"logs\"} 1\n", text, StringComparison.Ordinal);
        Assert.Contains("otlpgrains_gateway_refused_requests_total{reason=\"busy\",signal=\"traces\"} 0\n", text, StringComparison.Ordinal);
        Assert.Contains("otlpgrains_gateway_in_flight_items{signal=\"traces\"} 0\n", text, StringComparison.Ordinal);
    }

    private static Metric Gauge(string name, double value) =>
        new() { Name = name, Gauge = new Gauge { DataPoints = { new NumberDataPoint { TimeUnixNano = 5, AsDouble = value } } } };

    private static ResourceMetrics MetricsOf(string service, params Metric[] metrics) =>
        new() { Resource = Service(service), ScopeMetrics = { new ScopeMetrics { Metrics = { metrics } } } };

    private static ResourceLogs LogsOf(string service, params LogRecord[] records) =>
        new() { Resource = Service(service), ScopeLogs = { new ScopeLogs { LogRecords = { records } } } };
}
