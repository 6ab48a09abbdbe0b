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

/// <summary>
/// Builds random OTLP export requests with the Google.Protobuf classes, with every field the gateway reads set in
/// all its shapes (valid and invalid ids, every AnyValue kind, out-of-range enums, names that repeat and names in
/// any script) and the fields it skips set too (events, links, exemplars, buckets, quantiles, scopes). Some
/// messages carry unknown fields of every wire type, and known field numbers with the wrong wire type.
/// </summary>
internal sealed class RandomRequests(int seed)
{
    private static readonly string[] Names = ["GET /api", "SELECT orders", "op", "ÜberOperation", "查询", "emoji 😀 span", ""];

    private static readonly string[] SpanKeys =
    [
        "http.response.status_code", "http.status_code", "rpc.grpc.status_code", "peer.service", "db.system.name",
        "db.system", "server.address", "url.path", "service.name", "istio.canonical_service", "component", "error",
    ];

    private static readonly string[] ResourceKeys = ["service.name", "service.namespace", "k8s.deployment.name", "host.name"];

    private readonly Random _random = new(seed);

    public ExportTraceServiceRequest Traces()
    {
        var request = new ExportTraceServiceRequest();
        for (int r = _random.Next(4); r > 0; r--)
        {
            var resourceSpans = new ResourceSpans { Resource = MaybeResource(), SchemaUrl = Text() };
            for (int s = _random.Next(3); s > 0; s--)
            {
                var scope = new ScopeSpans { Scope = Scope(), SchemaUrl = Text() };
                for (int n = _random.Next(6); n > 0; n--)
                {
                    scope.Spans.Add(Sprinkle(Span()));
                }

                resourceSpans.ScopeSpans.Add(Sprinkle(scope));
            }

            request.ResourceSpans.Add(Sprinkle(resourceSpans));
        }

        return Sprinkle(request);
    }

    public ExportMetricsServiceRequest Metrics()
    {
        var request = new ExportMetricsServiceRequest();
        for (int r = _random.Next(4); r > 0; r--)
        {
            var resourceMetrics = new ResourceMetrics { Resource = MaybeResource(), SchemaUrl = Text() };
            for (int s = _random.Next(3); s > 0; s--)
            {
                var scope = new ScopeMetrics { Scope = Scope() };
                for (int n = _random.Next(5); n > 0; n--)
                {
                    scope.Metrics.Add(Sprinkle(Metric()));
                }

                resourceMetrics.ScopeMetrics.Add(Sprinkle(scope));
            }

            request.ResourceMetrics.Add(Sprinkle(resourceMetrics));
        }

        return Sprinkle(request);
    }

    public ExportLogsServiceRequest Logs()
    {
        var request = new ExportLogsServiceRequest();
        for (int r = _random.Next(4); r > 0; r--)
        {
            var resourceLogs = new ResourceLogs { Resource = MaybeResource(), SchemaUrl = Text() };
            for (int s = _random.Next(3); s > 0; s--)
            {
                var scope = new ScopeLogs { Scope = Scope() };
                for (int n = _random.Next(6); n > 0; n--)
                {
                    scope.LogRecords.Add(Sprinkle(LogRecord()));
                }

                resourceLogs.ScopeLogs.Add(Sprinkle(scope));
            }

            request.ResourceLogs.Add(Sprinkle(resourceLogs));
        }

        return Sprinkle(request);
    }

    /// <summary>Unknown fields of every wire type, a known number with the wrong wire type, and a group.</summary>
    public byte[] UnknownFields()
    {
        var bytes = new List<byte>();
        for (int n = 1 + _random.Next(3); n > 0; n--)
        {
            int field = _random.Next(4) == 0 ? 1 + _random.Next(15) : 100 + _random.Next(100_000);
            int wireType = field <= 15 ? 5 : new[] { 0, 1, 2, 3, 5 }[_random.Next(5)];
            Wire.Tag(bytes, field, wireType);
            switch (wireType)
            {
                case 0:
                    Wire.Varint(bytes, (ulong)_random.NextInt64() << _random.Next(8));
                    break;
                case 1:
                    Wire.Fixed64(bytes, (ulong)_random.NextInt64());
                    break;
                case 2:
                    Wire.Varint(bytes, 3);
                    bytes.AddRange([1, 2, 3]);
                    break;
                case 3:
                    Wire.Tag(bytes, field + 1, 0);
                    Wire.Varint(bytes, 300);
                    Wire.Tag(bytes, field + 2, 2);
                    Wire.Varint(bytes, 1);
                    bytes.Add(0x7F);
                    Wire.Tag(bytes, field, 4);
                    break;
                default:
                    bytes.AddRange(BitConverter.GetBytes(_random.Next()));
                    break;
            }
        }

        return [.. bytes];
    }

    private T Sprinkle<T>(T message)
        where T : IMessage<T>, new()
    {
        if (_random.Next(5) != 0)
        {
            return message;
        }

        // Google.Protobuf keeps the unknown fields it parses and writes them back, so they reach the encoded request.
        byte[] encoded = [.. UnknownFields(), .. message.ToByteArray(), .. UnknownFields()];
        var parsed = new T();
        parsed.MergeFrom(encoded);
        return parsed;
    }

    private Span Span()
    {
        var span = new Span
        {
            TraceId = Id(16),
            SpanId = Id(8),
            ParentSpanId = ParentId(),
            TraceState = Text(),
            Name = Pick(Names),
            Kind = (Span.Types.SpanKind)(_random.Next(10) == 0 ? 6 + _random.Next(3) : _random.Next(6)),
            StartTimeUnixNano = Time(),
            EndTimeUnixNano = Time(),
            DroppedAttributesCount = (uint)_random.Next(3),
            Flags = (uint)_random.Next(512),
        };
        for (int i = _random.Next(7); i > 0; i--)
        {
            span.Attributes.Add(Sprinkle(new KeyValue { Key = Pick(SpanKeys), Value = MaybeValue(2) }));
        }

        for (int i = _random.Next(3); i > 0; i--)
        {
            span.Events.Add(Sprinkle(new Span.Types.Event { Name = Text(), TimeUnixNano = Time(), Attributes = { Attribute() } }));
        }

        for (int i = _random.Next(3); i > 0; i--)
        {
            span.Links.Add(Sprinkle(new Span.Types.Link { TraceId = Id(16), SpanId = Id(8), TraceState = Text(), Flags = 1, Attributes = { Attribute() } }));
        }

        if (_random.Next(4) != 0)
        {
            span.Status = Sprinkle(new Status { Code = (Status.Types.StatusCode)(_random.Next(8) == 0 ? 300 : _random.Next(3)), Message = Text() });
        }

        return span;
    }

    private Metric Metric()
    {
        var metric = new Metric { Name = _random.Next(8) == 0 ? "" : Pick(["requests", "latency", "queue.depth", "ошибки"]), Description = Text(), Unit = "ms" };
        metric.Metadata.Add(Attribute());
        switch (_random.Next(6))
        {
            case 0:
                metric.Gauge = new Gauge { DataPoints = { Many(NumberPoint) } };
                break;
            case 1:
                metric.Sum = new Sum { DataPoints = { Many(NumberPoint) }, IsMonotonic = true, AggregationTemporality = AggregationTemporality.Cumulative };
                break;
            case 2:
                metric.Histogram = new Histogram { DataPoints = { Many(HistogramPoint) }, AggregationTemporality = AggregationTemporality.Delta };
                break;
            case 3:
                metric.ExponentialHistogram = new ExponentialHistogram { DataPoints = { Many(ExponentialPoint) } };
                break;
            case 4:
                metric.Summary = new Summary { DataPoints = { Many(SummaryPoint) } };
                break;
            default:
                break;
        }

        return metric;
    }

    private NumberDataPoint NumberPoint()
    {
        var point = new NumberDataPoint { StartTimeUnixNano = Time(), TimeUnixNano = Time(), Flags = 1, Attributes = { Attribute() }, Exemplars = { Exemplar() } };
        switch (_random.Next(3))
        {
            case 0:
                point.AsInt = _random.NextInt64(long.MinValue, long.MaxValue);
                break;
            case 1:
                point.AsDouble = Double();
                break;
            default:
                break;
        }

        return Sprinkle(point);
    }

    private HistogramDataPoint HistogramPoint()
    {
        var point = new HistogramDataPoint
        {
            StartTimeUnixNano = Time(),
            TimeUnixNano = Time(),
            Count = (ulong)_random.NextInt64(),
            BucketCounts = { 1, 2, (ulong)_random.NextInt64() },
            ExplicitBounds = { 0.5, Double() },
            Attributes = { Attribute() },
            Exemplars = { Exemplar() },
        };
        if (_random.Next(2) == 0)
        {
            point.Sum = Double();
            point.Min = -1;
            point.Max = 1e9;
        }

        return Sprinkle(point);
    }

    private ExponentialHistogramDataPoint ExponentialPoint()
    {
        var point = new ExponentialHistogramDataPoint
        {
            TimeUnixNano = Time(),
            Count = (ulong)_random.Next(),
            Scale = _random.Next(-10, 20),
            ZeroCount = 3,
            ZeroThreshold = 1e-9,
            Positive = new ExponentialHistogramDataPoint.Types.Buckets { Offset = -3, BucketCounts = { 1, 5, 300 } },
            Negative = new ExponentialHistogramDataPoint.Types.Buckets { Offset = 2, BucketCounts = { 7 } },
            Exemplars = { Exemplar() },
        };
        if (_random.Next(2) == 0)
        {
            point.Sum = Double();
        }

        return Sprinkle(point);
    }

    private SummaryDataPoint SummaryPoint() => Sprinkle(new SummaryDataPoint
    {
        TimeUnixNano = Time(),
        Count = (ulong)_random.Next(),
        Sum = Double(),
        QuantileValues = { new SummaryDataPoint.Types.ValueAtQuantile { Quantile = 0.99, Value = Double() } },
    });

    private Exemplar Exemplar() => Sprinkle(new Exemplar
    {
        TimeUnixNano = Time(),
        AsDouble = Double(),
        SpanId = Id(8),
        TraceId = Id(16),
        FilteredAttributes = { Attribute() },
    });

    private LogRecord LogRecord()
    {
        var record = new LogRecord
        {
            TimeUnixNano = _random.Next(3) == 0 ? 0 : Time(),
            ObservedTimeUnixNano = _random.Next(3) == 0 ? 0 : Time(),
            SeverityNumber = (SeverityNumber)(_random.Next(8) == 0 ? 25 + _random.Next(10) : _random.Next(25)),
            SeverityText = _random.Next(6) == 0 ? new string('W', 40) : Pick(["INFO", "ERROR", "", "Предупреждение"]),
            TraceId = _random.Next(3) == 0 ? ByteString.Empty : Id(16),
            SpanId = _random.Next(3) == 0 ? ByteString.Empty : Id(8),
            Flags = 1,
            EventName = Text(),
            DroppedAttributesCount = 2,
        };
        if (_random.Next(6) != 0)
        {
            record.Body = Value(0, isLong: true);
        }

        for (int i = _random.Next(12); i > 0; i--)
        {
            record.Attributes.Add(Sprinkle(new KeyValue { Key = _random.Next(10) == 0 ? new string('k', 300) : Pick(["user", "path", "ünïcode", ""]), Value = MaybeValue(0) }));
        }

        return record;
    }

    private KeyValue Attribute() => new() { Key = Pick(SpanKeys), Value = MaybeValue(1) };

    private AnyValue? MaybeValue(int depth) => _random.Next(10) == 0 ? null : Value(depth, isLong: false);

    private AnyValue Value(int depth, bool isLong)
    {
        var value = new AnyValue();
        switch (_random.Next(depth > 5 ? 6 : 9))
        {
            case 0:
                value.StringValue = Pick(["503", " 42 ", "-7", "abc", "mysql", "", "9223372036854775808", "1e3", "true", "proxy", "reviews"]);
                break;
            case 1:
                value.IntValue = Pick([0L, 200, 500, 503, 2, 4, 5, 14, -1, long.MaxValue]);
                break;
            case 2:
                value.DoubleValue = Double();
                break;
            case 3:
                value.BoolValue = _random.Next(2) == 0;
                break;
            case 4:
                value.BytesValue = Id(_random.Next(1, 40));
                break;
            case 5:
                value.StringValue = isLong ? LongText() : Pick(Names);
                break;
            case 6:
                value.ArrayValue = new ArrayValue();
                for (int i = _random.Next(4); i > 0; i--)
                {
                    value.ArrayValue.Values.Add(Value(depth + 1, isLong));
                }

                break;
            case 7:
                value.KvlistValue = new KeyValueList();
                for (int i = _random.Next(4); i > 0; i--)
                {
                    value.KvlistValue.Values.Add(new KeyValue { Key = Pick(["a", "b", "😀"]), Value = _random.Next(6) == 0 ? null : Value(depth + 1, isLong) });
                }

                break;
            default:
                break;
        }

        return Sprinkle(value);
    }

    private string LongText()
    {
        // Past the body limit, sometimes with a surrogate pair across the cut.
        int length = _random.Next(2) == 0 ? 20 : 8_000 + _random.Next(400);
        var text = new string('x', length);
        return _random.Next(2) == 0 ? text[..Math.Max(0, length - 200)] + string.Concat(Enumerable.Repeat("é😀ab", 60)) : text;
    }

    private Resource? MaybeResource()
    {
        if (_random.Next(8) == 0)
        {
            return null;
        }

        var resource = new Resource { DroppedAttributesCount = 1 };
        for (int i = _random.Next(5); i > 0; i--)
        {
            var value = _random.Next(6) switch
            {
                0 => new AnyValue { IntValue = 42 },
                1 => new AnyValue { StringValue = "" },
                2 => null,
                _ => new AnyValue { StringValue = Pick(["cart", "shop", "checkout", "çà/ï", "deploy-1"]) },
            };
            resource.Attributes.Add(Sprinkle(new KeyValue { Key = Pick(ResourceKeys), Value = value }));
        }

        return Sprinkle(resource);
    }

    private InstrumentationScope? Scope() => _random.Next(3) == 0
        ? null
        : Sprinkle(new InstrumentationScope { Name = "io.opentelemetry", Version = "1.0", Attributes = { Attribute() } });

    private T[] Many<T>(Func<T> make) => Enumerable.Range(0, _random.Next(4)).Select(_ => make()).ToArray();

    private ByteString Id(int length)
    {
        var bytes = new byte[_random.Next(12) switch { 0 => 0, 1 => length - 1, 2 => length + 1, _ => length }];
        if (_random.Next(12) != 0)
        {
            _random.NextBytes(bytes);
        }

        return ByteString.CopyFrom(bytes);
    }

    private ByteString ParentId() => _random.Next(4) switch
    {
        0 => ByteString.Empty,
        1 => ByteString.CopyFrom(new byte[8]),
        _ => Id(8),
    };

    private ulong Time() => _random.Next(10) switch
    {
        0 => 0,
        1 => ulong.MaxValue - (ulong)_random.Next(1000),
        _ => 1_700_000_000_000_000_000UL + (ulong)_random.NextInt64(1_000_000_000_000),
    };

    private double Double() => _random.Next(8) switch
    {
        0 => double.NaN,
        1 => -0.0,
        2 => 1e300,
        3 => 503.9,
        _ => (_random.NextDouble() - 0.5) * 1e6,
    };

    private string Text() => _random.Next(3) == 0 ? "" : Pick(Names);

    private T Pick<T>(T[] items) => items[_random.Next(items.Length)];
}
