using System.Text;
using Google.Protobuf;
using Microsoft.AspNetCore.Http;
using OpenTelemetry.Proto.Collector.Logs.V1;
using OpenTelemetry.Proto.Collector.Metrics.V1;
using OpenTelemetry.Proto.Collector.Trace.V1;
using OpenTelemetry.Proto.Logs.V1;
using OpenTelemetry.Proto.Metrics.V1;
using OtlpGrains.Gateway.Ingest;
using OtlpGrains.Gateway.Otlp;
using Xunit;
using static OtlpGrains.Gateway.Tests.TraceRequests;

namespace OtlpGrains.Gateway.Tests;

public sealed class OtlpHttpReceiverTests
{
    private const string Protobuf = "application/x-protobuf";

    private const string Json = "application/json";

    private static readonly string RetryAfter = GatewayUnderTest.RetryAfterSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture);

    [Fact]
    public async Task AcceptedProtobufGetsAnEmptyProtobufResponse()
    {
        var gateway = new GatewayUnderTest();

        var context = await PostTracesAsync(gateway, Request("svc", Span(1, 1), Span(1, 2, parent: 1)), json: false);

        Assert.Equal(200, context.Response.StatusCode);
        Assert.Equal(Protobuf, context.Response.ContentType);
        var body = ResponseBytes(context);
        Assert.Empty(body); // an empty message is zero bytes on the wire
        Assert.Equal(new ExportTraceServiceResponse(), ExportTraceServiceResponse.Parser.ParseFrom(body));
        Assert.Equal(2, gateway.Grains.Calls);
        Assert.Equal(2, gateway.Metrics.AcceptedItems(Signal.Traces));
    }

    [Fact]
    public async Task AcceptedJsonGetsAnEmptyJsonObject()
    {
        var gateway = new GatewayUnderTest();

        var context = await PostTracesAsync(gateway, Request("svc", Span(1, 1)), json: true);

        Assert.Equal(200, context.Response.StatusCode);
        Assert.Equal(Json, context.Response.ContentType);
        Assert.Equal("{}", Encoding.UTF8.GetString(ResponseBytes(context)).Trim());
        Assert.Equal(2, gateway.Grains.Calls);
        Assert.Equal(TraceKey(1), Assert.Single(gateway.Grains.Traces).Key);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task PartialSuccessNamesTheRejectedSpans(bool json)
    {
        var gateway = new GatewayUnderTest();
        var bad = Span(1, 2, parent: 1);
        bad.SpanId = ByteString.CopyFrom(new byte[8]);

        var context = await PostTracesAsync(gateway, Request("svc", Span(1, 1), bad, Span(1, 3, parent: 1)), json);

        Assert.Equal(200, context.Response.StatusCode);
        Assert.Equal(json ? Json : Protobuf, context.Response.ContentType);
        var response = json
            ? OtlpJson.Parse<ExportTraceServiceResponse>(ResponseBytes(context))
            : ExportTraceServiceResponse.Parser.ParseFrom(ResponseBytes(context));
        Assert.NotNull(response.PartialSuccess);
        Assert.Equal(1, response.PartialSuccess.RejectedSpans);
        Assert.Equal("1 spans rejected: span id must be 8 bytes and not all zero (got 8 bytes)", response.PartialSuccess.ErrorMessage);
        Assert.Equal(2, Assert.Single(gateway.Grains.Services["svc"].SpanBatches).Spans.Length);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task AllInvalidIs400WithInvalidArgument(bool json)
    {
        var gateway = new GatewayUnderTest();
        var bad = Span(1, 1);
        bad.TraceId = ByteString.CopyFrom(1, 2, 3);

        var context = await PostTracesAsync(gateway, Request("svc", bad), json);

        Assert.Equal(400, context.Response.StatusCode);
        Assert.Equal(json ? Json : Protobuf, context.Response.ContentType);
        var status = ReadStatus(context, json);
        Assert.Equal(3, status.Code);
        Assert.Equal("all 1 spans rejected: trace id must be 16 bytes and not all zero (got 3 bytes)", status.Message);
        Assert.False(context.Response.Headers.ContainsKey("Retry-After"));
        Assert.Equal(0, gateway.Grains.Calls);
        Assert.Equal(1, gateway.Metrics.RefusedRequests(Signal.Traces, RefusalReason.Invalid));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task BusyIs429WithRetryAfterAndResourceExhausted(bool json)
    {
        var gateway = new GatewayUnderTest(maxInFlightItems: 1);
        var blocked = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        gateway.Grains.Completion = blocked.Task;
        var holding = gateway.Pipeline.IngestTracesAsync(Request("holder", Span(9, 1)), CancellationToken.None);

        var context = await PostTracesAsync(gateway, Request("svc", Span(1, 1)), json);

        Assert.Equal(429, context.Response.StatusCode);
        Assert.Equal(RetryAfter, context.Response.Headers.RetryAfter.ToString());
        var status = ReadStatus(context, json);
        Assert.Equal(8, status.Code);
        Assert.Equal("gateway busy: 1 items in flight (limit 1); retry later", status.Message);
        Assert.False(gateway.Grains.Services.ContainsKey("svc"));
        Assert.Equal(1, gateway.Metrics.RefusedRequests(Signal.Traces, RefusalReason.Busy));

        blocked.SetResult();
        Assert.Equal(IngestStatus.Accepted, (await holding).Status);
        Assert.Equal(0, gateway.Limiter.InFlight);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task GrainFailureIs503WithRetryAfterAndUnavailable(bool json)
    {
        var gateway = new GatewayUnderTest();
        gateway.Grains.Failure = new InvalidOperationException("no silo");

        var context = await PostTracesAsync(gateway, Request("svc", Span(1, 1)), json);

        Assert.Equal(503, context.Response.StatusCode);
        Assert.Equal(RetryAfter, context.Response.Headers.RetryAfter.ToString());
        var status = ReadStatus(context, json);
        Assert.Equal(14, status.Code);
        Assert.Equal("cluster unavailable (InvalidOperationException); retry", status.Message);
        Assert.Equal(1, gateway.Metrics.RefusedRequests(Signal.Traces, RefusalReason.Unavailable));
        Assert.Equal(0, gateway.Limiter.InFlight);
    }

    [Fact]
    public async Task UnsupportedMediaTypeIs415InPlainText()
    {
        var gateway = new GatewayUnderTest();
        var context = NewContext("hello"u8.ToArray(), "text/plain");

        await gateway.Http.TracesAsync(context);

        Assert.Equal(415, context.Response.StatusCode);
        Assert.Equal(
            "unsupported Content-Type 'text/plain': use application/x-protobuf or application/json\n",
            Encoding.UTF8.GetString(ResponseBytes(context)));
        Assert.Equal(0, gateway.Grains.Calls);
        Assert.Equal(1, gateway.Metrics.RefusedRequests(Signal.Traces, RefusalReason.UnsupportedMediaType));
    }

    [Fact]
    public async Task UnsupportedMediaTypeAnswerIsLabelledPlainText()
    {
        var gateway = new GatewayUnderTest();
        var context = NewContext("hello"u8.ToArray(), "text/plain");

        await gateway.Http.TracesAsync(context);

        Assert.StartsWith("text/plain", context.Response.ContentType, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task MalformedBodyIs400AndCountedAsMalformed(bool json)
    {
        var gateway = new GatewayUnderTest();
        byte[] body = json ? "{\"resourceSpans\": ["u8.ToArray() : [0x0A, 0xFF, 0xFF, 0xFF];

        var context = NewContext(body, json ? Json : Protobuf);
        await gateway.Http.TracesAsync(context);

        Assert.Equal(400, context.Response.StatusCode);
        var status = ReadStatus(context, json);
        Assert.Equal(3, status.Code);
        Assert.StartsWith(json ? "malformed OTLP JSON: " : "malformed OTLP protobuf: ", status.Message, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', status.Message);
        Assert.Equal(1, gateway.Metrics.RefusedRequests(Signal.Traces, RefusalReason.Malformed));
        Assert.Equal(0, gateway.Grains.Calls);
    }

    [Fact]
    public async Task JsonOfTheWrongShapeIs400AndCountedAsMalformed()
    {
        var gateway = new GatewayUnderTest();
        var context = NewContext("""{"resourceSpans":[{"scopeSpans":[{"spans":[{"name":5}]}]}]}"""u8.ToArray(), Json);

        await gateway.Http.TracesAsync(context);

        Assert.Equal(400, context.Response.StatusCode);
        var status = ReadStatus(context, json: true);
        Assert.Equal(3, status.Code);
        Assert.Equal(
            "malformed OTLP JSON: invalid OTLP JSON at byte 51: field 'opentelemetry.proto.trace.v1.Span.name' must be a string, not a number",
            status.Message);
        Assert.Equal(1, gateway.Metrics.RefusedRequests(Signal.Traces, RefusalReason.Malformed));
        Assert.Equal(0, gateway.Grains.Calls);
    }

    [Fact]
    public async Task JsonBatchIdIsTheHashOfTheJsonBodyNotOfItsProtobuf()
    {
        // A sender's retry resends the same JSON bytes: the id must come from them, as it did before transcoding.
        var gateway = new GatewayUnderTest();
        var request = Request("svc", Span(1, 1));
        byte[] json = OtlpJson.Format(request);

        await gateway.Http.TracesAsync(NewContext(json, Json));

        Guid batchId = Assert.Single(gateway.Grains.Services["svc"].SpanBatches).BatchId;
        Assert.Equal(BatchIds.Of(json), batchId);
        Assert.NotEqual(BatchIds.Of(request.ToByteArray()), batchId);
    }

    [Fact]
    public async Task MetricsPartialSuccessCountsDataPoints()
    {
        var gateway = new GatewayUnderTest();
        var request = new ExportMetricsServiceRequest
        {
            ResourceMetrics =
            {
                new ResourceMetrics
                {
                    Resource = Service("svc"),
                    ScopeMetrics =
                    {
                        new ScopeMetrics
                        {
                            Metrics =
                            {
                                new Metric { Name = "cpu", Gauge = new Gauge { DataPoints = { new NumberDataPoint { AsDouble = 1 } } } },
                                new Metric { Name = "", Gauge = new Gauge { DataPoints = { new NumberDataPoint { AsDouble = 2 }, new NumberDataPoint { AsDouble = 3 } } } },
                            },
                        },
                    },
                },
            },
        };
        var context = NewContext(request.ToByteArray(), Protobuf);

        await gateway.Http.MetricsAsync(context);

        Assert.Equal(200, context.Response.StatusCode);
        var response = ExportMetricsServiceResponse.Parser.ParseFrom(ResponseBytes(context));
        Assert.Equal(2, response.PartialSuccess.RejectedDataPoints);
        Assert.Equal("2 data points rejected: metric name must not be empty", response.PartialSuccess.ErrorMessage);
        Assert.Single(gateway.Grains.Services["svc"].MetricBatches);
    }

    [Fact]
    public async Task LogsInJsonAreAccepted()
    {
        var gateway = new GatewayUnderTest();
        var request = new ExportLogsServiceRequest
        {
            ResourceLogs =
            {
                new ResourceLogs
                {
                    Resource = Service("svc"),
                    ScopeLogs = { new ScopeLogs { LogRecords = { new LogRecord { TimeUnixNano = 42, SeverityNumber = SeverityNumber.Error, SpanId = SpanId(3) } } } },
                },
            },
        };
        var context = NewContext(OtlpJson.Format(request), Json);

        await gateway.Http.LogsAsync(context);

        Assert.Equal(200, context.Response.StatusCode);
        Assert.Equal(new ExportLogsServiceResponse(), OtlpJson.Parse<ExportLogsServiceResponse>(ResponseBytes(context)));
        var stamp = Assert.Single(Assert.Single(gateway.Grains.Services["svc"].LogBatches).Logs);
        Assert.Equal(42, stamp.TimeUnixNano);
        Assert.Equal(17, stamp.SeverityNumber);
    }

    private static async Task<DefaultHttpContext> PostTracesAsync(GatewayUnderTest gateway, ExportTraceServiceRequest request, bool json)
    {
        var context = NewContext(json ? OtlpJson.Format(request) : request.ToByteArray(), json ? Json : Protobuf);
        await gateway.Http.TracesAsync(context);
        return context;
    }

    private static DefaultHttpContext NewContext(byte[] body, string contentType)
    {
        var context = new DefaultHttpContext();
        context.Request.Method = HttpMethods.Post;
        context.Request.Path = "/v1/traces";
        context.Request.ContentType = contentType;
        context.Request.ContentLength = body.Length;
        context.Request.Body = new MemoryStream(body);
        context.Response.Body = new MemoryStream();
        return context;
    }

    private static byte[] ResponseBytes(HttpContext context) => ((MemoryStream)context.Response.Body).ToArray();

    private static Google.Rpc.Status ReadStatus(HttpContext context, bool json)
    {
        Assert.Equal(json ? Json : Protobuf, context.Response.ContentType);
        var body = ResponseBytes(context);
        return json ? OtlpJson.Parse<Google.Rpc.Status>(body) : Google.Rpc.Status.Parser.ParseFrom(body);
    }
}
