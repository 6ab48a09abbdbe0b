using Google.Protobuf;
using OpenTelemetry.Proto.Collector.Logs.V1;
using OpenTelemetry.Proto.Collector.Metrics.V1;
using OpenTelemetry.Proto.Collector.Trace.V1;
using OpenTelemetry.Proto.Common.V1;
using OpenTelemetry.Proto.Logs.V1;
using OpenTelemetry.Proto.Metrics.V1;
using OpenTelemetry.Proto.Resource.V1;
using OpenTelemetry.Proto.Trace.V1;

namespace OtlpGrains.Gateway.Tests;

/// <summary>OTLP requests built in code that use every message, enum and value type the codec must carry.</summary>
internal static class OtlpSamples
{
    public const ulong BaseTime = 1_700_000_000_123_456_789UL;

    public static ByteString Id(int length, byte seed)
    {
        var bytes = new byte[length];
        for (int i = 0; i < length; i++)
        {
            bytes[i] = (byte)(seed + (i * 17));
        }

        return ByteString.CopyFrom(bytes);
    }

    public static Resource Resource(string service) => new()
    {
        Attributes = { Attr("service.name", service), Attr("host.cores", 8L) },
        DroppedAttributesCount = 1,
    };

    public static InstrumentationScope Scope(string name) => new()
    {
        Name = name,
        Version = "1.2.3",
        Attributes = { Attr("scope.flag", true) },
    };

    /// <summary>Attributes of every AnyValue type, nested arrays and kvlists included.</summary>
    public static IEnumerable<KeyValue> AllValueTypes() =>
    [
        Attr("s", "text with \"quotes\", unicode é✓ and a newline\n"),
        Attr("b", true),
        Attr("i", long.MinValue),
        Attr("i.max", long.MaxValue),
        Attr("d", 3.5e-7),
        new KeyValue { Key = "bytes", Value = new AnyValue { BytesValue = ByteString.CopyFrom(0, 1, 254, 255) } },
        new KeyValue
        {
            Key = "array",
            Value = new AnyValue
            {
                ArrayValue = new ArrayValue
                {
                    Values =
                    {
                        new AnyValue { StringValue = "a" },
                        new AnyValue { IntValue = 2 },
                        new AnyValue { ArrayValue = new ArrayValue { Values = { new AnyValue { BoolValue = false } } } },
                    },
                },
            },
        },
        new KeyValue
        {
            Key = "kvlist",
            Value = new AnyValue
            {
                KvlistValue = new KeyValueList { Values = { Attr("inner", "x"), Attr("deeper", 1.25) } },
            },
        },
        new KeyValue { Key = "empty", Value = new AnyValue() },
    ];

    public static ExportTraceServiceRequest Traces()
    {
        var request = new ExportTraceServiceRequest();
        for (int r = 0; r < 2; r++)
        {
            var resourceSpans = new ResourceSpans { Resource = Resource($"svc-{r}"), SchemaUrl = "https://opentelemetry.io/schemas/1.26.0" };
            for (int s = 0; s < 2; s++)
            {
                var scopeSpans = new ScopeSpans { Scope = Scope($"scope-{s}"), SchemaUrl = "scope-schema" };
                foreach (Span.Types.SpanKind kind in Enum.GetValues<Span.Types.SpanKind>())
                {
                    byte seed = (byte)((r * 64) + (s * 16) + (int)kind);
                    var span = new Span
                    {
                        TraceId = Id(16, seed),
                        SpanId = Id(8, (byte)(seed + 1)),
                        ParentSpanId = kind == Span.Types.SpanKind.Server ? ByteString.Empty : Id(8, (byte)(seed + 2)),
                        TraceState = "vendor=value",
                        Flags = 0x301,
                        Name = $"op-{kind}",
                        Kind = kind,
                        StartTimeUnixNano = BaseTime + (ulong)seed,
                        EndTimeUnixNano = ulong.MaxValue - (ulong)seed,
                        DroppedAttributesCount = 2,
                        DroppedEventsCount = 3,
                        DroppedLinksCount = 4,
                        Status = new Status
                        {
                            Code = (Status.Types.StatusCode)((int)kind % 3),
                            Message = kind == Span.Types.SpanKind.Client ? "boom" : string.Empty,
                        },
                    };
                    span.Attributes.Add(AllValueTypes());
                    span.Events.Add(new Span.Types.Event
                    {
                        TimeUnixNano = BaseTime + 5,
                        Name = "exception",
                        Attributes = { Attr("exception.type", "System.Exception") },
                        DroppedAttributesCount = 1,
                    });
                    span.Links.Add(new Span.Types.Link
                    {
                        TraceId = Id(16, (byte)(seed + 3)),
                        SpanId = Id(8, (byte)(seed + 4)),
                        TraceState = "k=v",
                        Attributes = { Attr("link", 1L) },
                        DroppedAttributesCount = 5,
                        Flags = 1,
                    });
                    scopeSpans.Spans.Add(span);
                }

                resourceSpans.ScopeSpans.Add(scopeSpans);
            }

            request.ResourceSpans.Add(resourceSpans);
        }

        return request;
    }

    public static ExportMetricsServiceRequest Metrics()
    {
        var exemplar = new Exemplar
        {
            FilteredAttributes = { Attr("filtered", "yes") },
            TimeUnixNano = BaseTime,
            AsDouble = 12.5,
            TraceId = Id(16, 7),
            SpanId = Id(8, 9),
        };
        var intExemplar = new Exemplar { TimeUnixNano = BaseTime + 1, AsInt = -42, TraceId = Id(16, 70), SpanId = Id(8, 90) };

        var scope = new ScopeMetrics { Scope = Scope("meter"), SchemaUrl = "m" };
        scope.Metrics.Add(new Metric
        {
            Name = "gauge",
            Description = "a gauge",
            Unit = "1",
            Gauge = new Gauge
            {
                DataPoints =
                {
                    new NumberDataPoint { Attributes = { AllValueTypes() }, StartTimeUnixNano = 1, TimeUnixNano = BaseTime, AsDouble = 0.25, Exemplars = { exemplar } },
                    new NumberDataPoint { TimeUnixNano = BaseTime, AsInt = long.MinValue, Flags = 1 },
                },
            },
            Metadata = { Attr("meta", "data") },
        });
        scope.Metrics.Add(new Metric
        {
            Name = "sum",
            Unit = "By",
            Sum = new Sum
            {
                AggregationTemporality = AggregationTemporality.Cumulative,
                IsMonotonic = true,
                DataPoints = { new NumberDataPoint { TimeUnixNano = BaseTime, AsInt = long.MaxValue, Exemplars = { intExemplar } } },
            },
        });
        scope.Metrics.Add(new Metric
        {
            Name = "histogram",
            Unit = "ms",
            Histogram = new Histogram
            {
                AggregationTemporality = AggregationTemporality.Delta,
                DataPoints =
                {
                    new HistogramDataPoint
                    {
                        StartTimeUnixNano = BaseTime - 10,
                        TimeUnixNano = BaseTime,
                        Count = ulong.MaxValue,
                        Sum = 99.5,
                        BucketCounts = { 1, 0, ulong.MaxValue - 1 },
                        ExplicitBounds = { 1, 10 },
                        Exemplars = { exemplar },
                        Flags = 0,
                        Min = -1,
                        Max = 1e300,
                    },
                },
            },
        });
        scope.Metrics.Add(new Metric
        {
            Name = "exponential",
            ExponentialHistogram = new ExponentialHistogram
            {
                AggregationTemporality = AggregationTemporality.Cumulative,
                DataPoints =
                {
                    new ExponentialHistogramDataPoint
                    {
                        TimeUnixNano = BaseTime,
                        Count = 10,
                        Sum = 5,
                        Scale = -3,
                        ZeroCount = 2,
                        Positive = new ExponentialHistogramDataPoint.Types.Buckets { Offset = -2, BucketCounts = { 3, 4 } },
                        Negative = new ExponentialHistogramDataPoint.Types.Buckets { Offset = 1, BucketCounts = { 1 } },
                        Exemplars = { intExemplar },
                        Min = 0,
                        Max = 4,
                        ZeroThreshold = 1e-9,
                    },
                },
            },
        });
        scope.Metrics.Add(new Metric
        {
            Name = "summary",
            Summary = new Summary
            {
                DataPoints =
                {
                    new SummaryDataPoint
                    {
                        TimeUnixNano = BaseTime,
                        Count = 3,
                        Sum = 6,
                        QuantileValues =
                        {
                            new SummaryDataPoint.Types.ValueAtQuantile { Quantile = 0.5, Value = 2 },
                            new SummaryDataPoint.Types.ValueAtQuantile { Quantile = 1, Value = 3 },
                        },
                    },
                },
            },
        });

        return new ExportMetricsServiceRequest
        {
            ResourceMetrics =
            {
                new ResourceMetrics { Resource = Resource("metrics-a"), ScopeMetrics = { scope }, SchemaUrl = "r" },
                new ResourceMetrics { Resource = Resource("metrics-b"), ScopeMetrics = { scope.Clone(), new ScopeMetrics() } },
            },
        };
    }

    public static ExportLogsServiceRequest Logs()
    {
        var scope = new ScopeLogs { Scope = Scope("logger"), SchemaUrl = "l" };
        foreach (SeverityNumber severity in new[] { SeverityNumber.Unspecified, SeverityNumber.Info, SeverityNumber.Error4, SeverityNumber.Fatal4 })
        {
            scope.LogRecords.Add(new LogRecord
            {
                TimeUnixNano = BaseTime + (ulong)severity,
                ObservedTimeUnixNano = BaseTime + 100,
                SeverityNumber = severity,
                SeverityText = severity.ToString(),
                Body = new AnyValue { StringValue = $"message {severity}" },
                Attributes = { AllValueTypes() },
                DroppedAttributesCount = 1,
                Flags = 1,
                TraceId = severity == SeverityNumber.Unspecified ? ByteString.Empty : Id(16, (byte)severity),
                SpanId = severity == SeverityNumber.Unspecified ? ByteString.Empty : Id(8, (byte)(severity + 1)),
                EventName = "event",
            });
        }

        scope.LogRecords.Add(new LogRecord
        {
            Body = new AnyValue { KvlistValue = new KeyValueList { Values = { Attr("structured", true) } } },
        });

        return new ExportLogsServiceRequest
        {
            ResourceLogs =
            {
                new ResourceLogs { Resource = Resource("logs-a"), ScopeLogs = { scope } },
                new ResourceLogs { Resource = new Resource(), ScopeLogs = { new ScopeLogs { LogRecords = { new LogRecord() } } } },
            },
        };
    }

    public static KeyValue Attr(string key, string value) => new() { Key = key, Value = new AnyValue { StringValue = value } };

    public static KeyValue Attr(string key, bool value) => new() { Key = key, Value = new AnyValue { BoolValue = value } };

    public static KeyValue Attr(string key, long value) => new() { Key = key, Value = new AnyValue { IntValue = value } };

    public static KeyValue Attr(string key, double value) => new() { Key = key, Value = new AnyValue { DoubleValue = value } };
}
