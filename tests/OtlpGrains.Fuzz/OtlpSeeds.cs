using System.IO.Compression;
using Google.Protobuf;
using OpenTelemetry.Proto.Collector.Logs.V1;
using OpenTelemetry.Proto.Collector.Metrics.V1;
using OpenTelemetry.Proto.Collector.Trace.V1;
using OpenTelemetry.Proto.Common.V1;
using OpenTelemetry.Proto.Logs.V1;
using OpenTelemetry.Proto.Metrics.V1;
using OpenTelemetry.Proto.Resource.V1;
using OpenTelemetry.Proto.Trace.V1;
using OtlpGrains.Gateway.Otlp;

namespace OtlpGrains.Fuzz;

/// <summary>
/// Small valid OTLP requests built with the protobuf types (the wire bytes an SDK sends) and written as OTLP JSON by
/// the gateway's own formatter: one of each shape the readers branch on, so the fuzzer starts past the framing.
/// </summary>
public static class OtlpSeeds
{
    private static readonly ByteString TraceId = ByteString.CopyFrom([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16]);
    private static readonly ByteString ParentId = ByteString.CopyFrom([1, 1, 1, 1, 1, 1, 1, 1]);
    private static readonly ByteString ChildId = ByteString.CopyFrom([2, 2, 2, 2, 2, 2, 2, 2]);
    private const ulong Start = 1_700_000_000_000_000_000;

    public static IReadOnlyList<byte[]> TraceProtobuf() => [.. Traces().Select(r => r.ToByteArray())];

    public static IReadOnlyList<byte[]> MetricProtobuf() => [.. Metrics().Select(r => r.ToByteArray())];

    public static IReadOnlyList<byte[]> LogProtobuf() => [.. Logs().Select(r => r.ToByteArray())];

    public static IReadOnlyList<byte[]> TraceJson() => [.. Traces().Select(OtlpJson.Format)];

    public static IReadOnlyList<byte[]> MetricJson() => [.. Metrics().Select(OtlpJson.Format)];

    public static IReadOnlyList<byte[]> LogJson() => [.. Logs().Select(OtlpJson.Format)];

    /// <summary>gzip bodies (headers byte 129: a truthful Content-Length; 0: none) of the trace requests, and of nothing.</summary>
    public static IReadOnlyList<byte[]> GzipBodies()
    {
        var bodies = new List<byte[]>();
        foreach (var request in TraceProtobuf().Append([]))
        {
            using var compressed = new MemoryStream();
            using (var gzip = new GZipStream(compressed, CompressionLevel.Fastest, leaveOpen: true))
            {
                gzip.Write(request);
            }

            bodies.Add([129, .. compressed.ToArray()]);
            bodies.Add([0, .. compressed.ToArray()]);
        }

        return bodies;
    }

    private static IEnumerable<ExportTraceServiceRequest> Traces()
    {
        var parent = new Span
        {
            TraceId = TraceId,
            SpanId = ParentId,
            Name = "GET /orders/{id}",
            Kind = Span.Types.SpanKind.Server,
            StartTimeUnixNano = Start,
            EndTimeUnixNano = Start + 5_000_000,
            Attributes = { Text("http.request.method", "GET"), Number("http.response.status_code", 200) },
            Status = new Status { Code = Status.Types.StatusCode.Ok },
        };
        var child = new Span
        {
            TraceId = TraceId,
            SpanId = ChildId,
            ParentSpanId = ParentId,
            Name = "SELECT orders",
            Kind = Span.Types.SpanKind.Client,
            StartTimeUnixNano = Start + 1_000_000,
            EndTimeUnixNano = Start + 4_000_000,
            Attributes = { Text("db.system.name", "postgresql"), Text("server.address", "db") },
            Status = new Status { Code = Status.Types.StatusCode.Error, Message = "timeout" },
            Events = { new Span.Types.Event { Name = "exception", TimeUnixNano = Start + 2_000_000 } },
            Links = { new Span.Types.Link { TraceId = TraceId, SpanId = ParentId } },
        };
        yield return new ExportTraceServiceRequest
        {
            ResourceSpans =
            {
                new ResourceSpans
                {
                    Resource = Service("checkout"),
                    ScopeSpans = { new ScopeSpans { Scope = new InstrumentationScope { Name = "fuzz", Version = "1" }, Spans = { parent, child } } },
                },
            },
        };
        yield return new ExportTraceServiceRequest { ResourceSpans = { new ResourceSpans { ScopeSpans = { new ScopeSpans { Spans = { parent } } } } } };
    }

    private static IEnumerable<ExportMetricsServiceRequest> Metrics()
    {
        var attributes = new[] { Text("http.route", "/orders"), Number("http.response.status_code", 500) };
        var metrics = new Metric[]
        {
            new() { Name = "queue.depth", Unit = "1", Gauge = new Gauge { DataPoints = { new NumberDataPoint { TimeUnixNano = Start, AsInt = 7, Attributes = { attributes } } } } },
            new()
            {
                Name = "http.server.requests",
                Sum = new Sum
                {
                    IsMonotonic = true,
                    AggregationTemporality = AggregationTemporality.Cumulative,
                    DataPoints = { new NumberDataPoint { StartTimeUnixNano = Start, TimeUnixNano = Start + 60_000_000_000, AsDouble = 12.5, Attributes = { attributes } } },
                },
            },
            new()
            {
                Name = "http.server.request.duration",
                Unit = "s",
                Histogram = new Histogram
                {
                    AggregationTemporality = AggregationTemporality.Delta,
                    DataPoints =
                    {
                        new HistogramDataPoint
                        {
                            StartTimeUnixNano = Start,
                            TimeUnixNano = Start + 60_000_000_000,
                            Count = 6,
                            Sum = 1.5,
                            BucketCounts = { 1, 2, 3 },
                            ExplicitBounds = { 0.1, 1 },
                            Attributes = { attributes },
                            Exemplars = { new Exemplar { TimeUnixNano = Start, AsDouble = 0.3, TraceId = TraceId, SpanId = ParentId } },
                        },
                    },
                },
            },
            new()
            {
                Name = "rpc.duration",
                ExponentialHistogram = new ExponentialHistogram
                {
                    AggregationTemporality = AggregationTemporality.Delta,
                    DataPoints =
                    {
                        new ExponentialHistogramDataPoint
                        {
                            TimeUnixNano = Start,
                            Count = 4,
                            Sum = 2,
                            Scale = 2,
                            ZeroCount = 1,
                            Positive = new ExponentialHistogramDataPoint.Types.Buckets { Offset = -1, BucketCounts = { 1, 2 } },
                        },
                    },
                },
            },
            new()
            {
                Name = "gc.pause",
                Summary = new Summary
                {
                    DataPoints =
                    {
                        new SummaryDataPoint
                        {
                            TimeUnixNano = Start,
                            Count = 3,
                            Sum = 0.9,
                            QuantileValues = { new SummaryDataPoint.Types.ValueAtQuantile { Quantile = 0.5, Value = 0.2 } },
                        },
                    },
                },
            },
        };
        yield return new ExportMetricsServiceRequest
        {
            ResourceMetrics = { new ResourceMetrics { Resource = Service("checkout"), ScopeMetrics = { new ScopeMetrics { Metrics = { metrics } } } } },
        };
    }

    private static IEnumerable<ExportLogsServiceRequest> Logs()
    {
        yield return new ExportLogsServiceRequest
        {
            ResourceLogs =
            {
                new ResourceLogs
                {
                    Resource = Service("checkout"),
                    ScopeLogs =
                    {
                        new ScopeLogs
                        {
                            LogRecords =
                            {
                                new LogRecord
                                {
                                    TimeUnixNano = Start,
                                    SeverityNumber = SeverityNumber.Error,
                                    SeverityText = "ERROR",
                                    Body = new AnyValue { StringValue = "payment failed for order 42" },
                                    TraceId = TraceId,
                                    SpanId = ChildId,
                                    Attributes =
                                    {
                                        Text("exception.type", "TimeoutException"),
                                        new KeyValue
                                        {
                                            Key = "nested",
                                            Value = new AnyValue
                                            {
                                                KvlistValue = new KeyValueList { Values = { Number("n", 1) } },
                                            },
                                        },
                                        new KeyValue
                                        {
                                            Key = "list",
                                            Value = new AnyValue
                                            {
                                                ArrayValue = new ArrayValue { Values = { new AnyValue { BoolValue = true }, new AnyValue { DoubleValue = 1.5 }, new AnyValue { BytesValue = ParentId } } },
                                            },
                                        },
                                    },
                                },
                                new LogRecord { ObservedTimeUnixNano = Start, Body = new AnyValue { StringValue = "{\"level\":\"info\"}" } },
                            },
                        },
                    },
                },
            },
        };
    }

    private static Resource Service(string name) => new() { Attributes = { Text("service.name", name), Text("service.namespace", "shop") } };

    private static KeyValue Text(string key, string value) => new() { Key = key, Value = new AnyValue { StringValue = value } };

    private static KeyValue Number(string key, long value) => new() { Key = key, Value = new AnyValue { IntValue = value } };
}
