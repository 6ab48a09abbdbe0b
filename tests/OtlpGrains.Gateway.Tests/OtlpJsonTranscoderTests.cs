using System.Text;
using Google.Protobuf;
using OpenTelemetry.Proto.Collector.Metrics.V1;
using OpenTelemetry.Proto.Collector.Trace.V1;
using OpenTelemetry.Proto.Common.V1;
using OpenTelemetry.Proto.Metrics.V1;
using OpenTelemetry.Proto.Trace.V1;
using OtlpGrains.Gateway.Otlp;
using Xunit;

namespace OtlpGrains.Gateway.Tests;

/// <summary>Hand-written OTLP JSON for what the proto3 JSON mapping allows beyond what a formatter writes, and for refusals.</summary>
public sealed class OtlpJsonTranscoderTests
{
    private const string TraceHex = "5b8efff798038103d269b633813fc60c";

    [Fact]
    public void SnakeCaseAndCamelCaseKeysGiveTheSameBytes()
    {
        const string Camel = """
            {"resourceSpans":[{"schemaUrl":"s","scopeSpans":[{"spans":[{"traceId":"5b8efff798038103d269b633813fc60c",
            "spanId":"eee19b7ec3c1b174","parentSpanId":"0000000000000001","traceState":"a=b","startTimeUnixNano":"5",
            "endTimeUnixNano":"6","droppedAttributesCount":2,"links":[{"traceId":"5b8efff798038103d269b633813fc60c",
            "spanId":"0000000000000002","droppedAttributesCount":1}],"status":{"code":2}}]}]}]}
            """;
        const string Snake = """
            {"resource_spans":[{"schema_url":"s","scope_spans":[{"spans":[{"trace_id":"5b8efff798038103d269b633813fc60c",
            "span_id":"eee19b7ec3c1b174","parent_span_id":"0000000000000001","trace_state":"a=b","start_time_unix_nano":"5",
            "end_time_unix_nano":"6","dropped_attributes_count":2,"links":[{"trace_id":"5b8efff798038103d269b633813fc60c",
            "span_id":"0000000000000002","dropped_attributes_count":1}],"status":{"code":2}}]}]}]}
            """;

        byte[] camel = Wire<ExportTraceServiceRequest>(Camel);

        Assert.Equal(camel, Wire<ExportTraceServiceRequest>(Snake));
        Span span = ExportTraceServiceRequest.Parser.ParseFrom(camel).ResourceSpans[0].ScopeSpans[0].Spans[0];
        Assert.Equal("a=b", span.TraceState);
        Assert.Equal(6UL, span.EndTimeUnixNano);
        Assert.Equal(2u, span.DroppedAttributesCount);
        Assert.Equal(1u, span.Links[0].DroppedAttributesCount);
        Assert.Equal("s", ExportTraceServiceRequest.Parser.ParseFrom(camel).ResourceSpans[0].SchemaUrl);
    }

    [Theory]
    [InlineData("\"SPAN_KIND_SERVER\"", Span.Types.SpanKind.Server)]
    [InlineData("\"SPAN_KIND_CONSUMER\"", Span.Types.SpanKind.Consumer)]
    [InlineData("3", Span.Types.SpanKind.Client)]
    [InlineData("\"SPAN_KIND_\\u0050RODUCER\"", Span.Types.SpanKind.Producer)] // an escaped name
    [InlineData("\"span_kind_server\"", Span.Types.SpanKind.Unspecified)] // names are case-sensitive: unknown, ignored
    [InlineData("\"2\"", Span.Types.SpanKind.Unspecified)] // a string is a name, never a number
    [InlineData("9", (Span.Types.SpanKind)9)] // unknown numbers are kept, as protobuf keeps them
    public void EnumsAreNamesOrNumbers(string kind, Span.Types.SpanKind expected)
    {
        Span span = OneSpan($$"""{"name":"n","kind":{{kind}}}""");

        Assert.Equal(expected, span.Kind);
        Assert.Equal("n", span.Name);
    }

    [Fact]
    public void MetricEnumsByName()
    {
        Metric metric = OneMetric("""
            {"name":"m","histogram":{"aggregationTemporality":"AGGREGATION_TEMPORALITY_CUMULATIVE","dataPoints":[{"flags":1}]}}
            """);

        Assert.Equal(AggregationTemporality.Cumulative, metric.Histogram.AggregationTemporality);
        Assert.Equal(1u, metric.Histogram.DataPoints[0].Flags);
    }

    [Theory]
    [InlineData("\"-9223372036854775808\"", long.MinValue)]
    [InlineData("9223372036854775807", long.MaxValue)]
    [InlineData("\"9007199254740993\"", 9_007_199_254_740_993)] // not exact as a double
    [InlineData("9007199254740993", 9_007_199_254_740_993)]
    [InlineData("\"1e3\"", 1000)]
    [InlineData("2.0", 2)]
    [InlineData("-0", 0)]
    [InlineData("\"\\u0031\\u0032\"", 12)] // escaped digits
    public void Int64IsANumberOrAString(string json, long expected)
    {
        AnyValue value = OneValue($$"""{"intValue":{{json}}}""");

        Assert.Equal(AnyValue.ValueOneofCase.IntValue, value.ValueCase);
        Assert.Equal(expected, value.IntValue);
    }

    [Theory]
    [InlineData("\"18446744073709551615\"", ulong.MaxValue)]
    [InlineData("18446744073709551615", ulong.MaxValue)]
    [InlineData("\"1544712660000000000\"", 1_544_712_660_000_000_000UL)]
    public void UInt64IsANumberOrAString(string json, ulong expected) =>
        Assert.Equal(expected, OneSpan($$"""{"startTimeUnixNano":{{json}}}""").StartTimeUnixNano);

    [Theory]
    [InlineData("\"NaN\"", double.NaN)]
    [InlineData("\"Infinity\"", double.PositiveInfinity)]
    [InlineData("\"-Infinity\"", double.NegativeInfinity)]
    [InlineData("\"2.5\"", 2.5)]
    [InlineData("1e-300", 1e-300)]
    [InlineData("-1.7976931348623157E+308", double.MinValue)]
    [InlineData("0", 0.0)]
    [InlineData("7", 7.0)]
    public void DoublesAreNumbersOrStrings(string json, double expected)
    {
        AnyValue value = OneValue($$"""{"doubleValue":{{json}}}""");

        Assert.Equal(AnyValue.ValueOneofCase.DoubleValue, value.ValueCase);
        Assert.Equal(expected, value.DoubleValue);
    }

    [Theory]
    [InlineData("\"AQID\"", new byte[] { 1, 2, 3 })]
    [InlineData("\"AQI=\"", new byte[] { 1, 2 })]
    [InlineData("\"AQI\"", new byte[] { 1, 2 })] // unpadded
    [InlineData("\"-_8=\"", new byte[] { 0xFB, 0xFF })] // URL-safe
    [InlineData("\"+/8\"", new byte[] { 0xFB, 0xFF })]
    [InlineData("\"\\u0041QID\"", new byte[] { 1, 2, 3 })] // escaped
    [InlineData("\"\"", new byte[0])]
    public void BytesAreStandardOrUrlSafeBase64(string json, byte[] expected)
    {
        AnyValue value = OneValue($$"""{"bytesValue":{{json}}}""");

        Assert.Equal(AnyValue.ValueOneofCase.BytesValue, value.ValueCase);
        Assert.Equal(expected, value.BytesValue.ToByteArray());
    }

    [Fact]
    public void OneofMembersAtTheirDefaultAreStillSet()
    {
        Assert.Equal(AnyValue.ValueOneofCase.StringValue, OneValue("""{"stringValue":""}""").ValueCase);
        Assert.Equal(AnyValue.ValueOneofCase.IntValue, OneValue("""{"intValue":"0"}""").ValueCase);
        Assert.Equal(AnyValue.ValueOneofCase.BoolValue, OneValue("""{"boolValue":false}""").ValueCase);
        Assert.Equal(AnyValue.ValueOneofCase.ArrayValue, OneValue("""{"arrayValue":{}}""").ValueCase);
        Assert.Equal(AnyValue.ValueOneofCase.None, OneValue("""{}""").ValueCase);
    }

    [Fact]
    public void OptionalFieldsAtZeroArePresent()
    {
        Metric metric = OneMetric("""{"histogram":{"dataPoints":[{"sum":0,"min":"0","count":"0"},{"max":-1}]}}""");

        HistogramDataPoint zero = metric.Histogram.DataPoints[0];
        Assert.True(zero.HasSum);
        Assert.True(zero.HasMin);
        Assert.False(zero.HasMax);
        Assert.Equal(-1, metric.Histogram.DataPoints[1].Max);
    }

    [Fact]
    public void PackedNumbersTakeStringsAndNumbersAndEmptyArraysAreLeftOut()
    {
        Metric metric = OneMetric("""
            {"histogram":{"dataPoints":[{"bucketCounts":["1",2,"18446744073709551615"],"explicitBounds":[0.5,"Infinity"]},
            {"bucketCounts":[],"explicitBounds":[]}]}}
            """);

        HistogramDataPoint point = metric.Histogram.DataPoints[0];
        Assert.Equal([1UL, 2UL, ulong.MaxValue], point.BucketCounts);
        Assert.Equal([0.5, double.PositiveInfinity], point.ExplicitBounds);
        Assert.Empty(metric.Histogram.DataPoints[1].BucketCounts);
        byte[] wire = Wire<ExportMetricsServiceRequest>(Metrics("""{"histogram":{"dataPoints":[{"bucketCounts":[],"explicitBounds":[]}]}}"""));
        Assert.Equal(ExportMetricsServiceRequest.Parser.ParseFrom(wire).ToByteArray(), wire);
    }

    [Fact]
    public void UnknownFieldsAreSkippedWhateverTheirValue()
    {
        const string Json = """
            {"resourceSpans":[{"unknownObject":{"scopeSpans":[{"spans":[{"name":"not me"}]}]},"scopeSpans":[{"spans":[{
              "unknownScalar":42,"unknownString":"x","unknownNull":null,"unknownTrue":true,
              "unknownArray":[1,[2,[3]],{"name":"not me either"},null],
              "name":"kept",
              "attributes":[{"key":"k","value":{"stringValue":"v","futureValue":{"a":[]}},"extra":[]}],
              "\u0075nknownEscaped":"y",
              "spans":[{"name":"a field of another message"}]
            }]}]}],"zzz":{}}
            """;

        Span span = Assert.Single(OtlpJson.ParseTraces(Encoding.UTF8.GetBytes(Json)).ResourceSpans[0].ScopeSpans[0].Spans);

        Assert.Equal("kept", span.Name);
        Assert.Equal("v", Assert.Single(span.Attributes).Value.StringValue);
    }

    [Fact]
    public void NullMeansNotSet()
    {
        const string Json = """
            {"resourceSpans":[{"resource":null,"schemaUrl":null,"scopeSpans":[{"scope":null,"spans":[{
              "name":null,"kind":null,"startTimeUnixNano":null,"traceId":null,"attributes":null,"status":null,
              "events":[{"name":"e","attributes":[{"key":"k","value":null}]}],
              "links":null
            }]}]}]}
            """;

        ResourceSpans resourceSpans = OtlpJson.ParseTraces(Encoding.UTF8.GetBytes(Json)).ResourceSpans[0];

        Assert.Null(resourceSpans.Resource);
        Assert.Equal("", resourceSpans.SchemaUrl);
        Assert.Null(resourceSpans.ScopeSpans[0].Scope);
        Span span = resourceSpans.ScopeSpans[0].Spans[0];
        Assert.Equal(new Span { Events = { new Span.Types.Event { Name = "e", Attributes = { new KeyValue { Key = "k" } } } } }, span);
    }

    [Fact]
    public void NullOneofMemberLeavesRoomForAnother() =>
        Assert.Equal(5, OneValue("""{"stringValue":null,"intValue":5}""").IntValue);

    [Fact]
    public void EscapedKeysAndStringsAreUnescaped()
    {
        Span span = OneSpan("""{"\u006eame":"tab\there \u00e9 \ud83d\ude80 \"q\"","trace\u0049d":"5b8efff798038103d269b633813fc60c"}""");

        Assert.Equal("tab\there é 🚀 \"q\"", span.Name);
        Assert.Equal(Convert.FromHexString(TraceHex), span.TraceId.ToByteArray());
    }

    [Fact]
    public void LengthsOfEveryVarintSizeAreWritten()
    {
        // 1-, 2- and 3-byte lengths, nested so that every level's prefix widens.
        foreach (int length in new[] { 0, 127, 128, 16_383, 16_384, 70_000 })
        {
            string text = new('a', length);
            string json = $$$$"""{"resourceSpans":[{"scopeSpans":[{"spans":[{"attributes":[{"key":"k","value":{"kvlistValue":{"values":[{"key":"x","value":{"stringValue":"{{{{text}}}}"}}]}}}]}]}]}]}""";

            byte[] wire = Wire<ExportTraceServiceRequest>(json);

            ExportTraceServiceRequest back = ExportTraceServiceRequest.Parser.ParseFrom(wire);
            Assert.Equal(text, back.ResourceSpans[0].ScopeSpans[0].Spans[0].Attributes[0].Value.KvlistValue.Values[0].Value.StringValue);
            Assert.Equal(back.ToByteArray(), wire);
        }
    }

    [Theory]
    [InlineData("", "")]
    [InlineData("zz", "00")]
    [InlineData("0", "00")]
    [InlineData("0102", "0102")]
    public void BadHexIdsInLinksLogsAndExemplarsBecomeOneByte(string hex, string expected)
    {
        Span span = OneSpan($$"""{"links":[{"trace_id":"{{hex}}","span_id":"{{hex}}"}],"parent_span_id":"{{hex}}"}""");
        Exemplar exemplar = OneMetric($$$"""{"gauge":{"dataPoints":[{"exemplars":[{"traceId":"{{{hex}}}","spanId":"{{{hex}}}"}]}]}}""")
            .Gauge.DataPoints[0].Exemplars[0];
        var log = OtlpJson.ParseLogs(Encoding.UTF8.GetBytes($$"""{"resourceLogs":[{"scopeLogs":[{"logRecords":[{"traceId":"{{hex}}","spanId":"{{hex}}"}]}]}]}"""))
            .ResourceLogs[0].ScopeLogs[0].LogRecords[0];

        foreach (ByteString id in new[] { span.Links[0].TraceId, span.Links[0].SpanId, span.ParentSpanId, exemplar.TraceId, exemplar.SpanId, log.TraceId, log.SpanId })
        {
            Assert.Equal(expected, Convert.ToHexStringLower(id.ToByteArray()));
        }
    }

    [Theory]
    [InlineData("""{"resourceSpans":{}}""", "must be an array, not an object")]
    [InlineData("""{"resourceSpans":[5]}""", "must be an object, not a number")]
    [InlineData("""{"resourceSpans":[null]}""", "is null")]
    [InlineData("""{"resourceSpans":[{"resource":[]}]}""", "must be an object, not an array")]
    [InlineData("""{"resourceSpans":[{"resource":"x"}]}""", "must be an object, not a string")]
    [InlineData("""{"resourceSpans":[{"schemaUrl":5}]}""", "must be a string, not a number")]
    [InlineData("""{"resourceSpans":[{"schemaUrl":{}}]}""", "must be a string, not an object")]
    [InlineData("""{"resourceSpans":[{"scopeSpans":[{"spans":[{"name":true}]}]}]}""", "must be a string, not a boolean")]
    [InlineData("""{"resourceSpans":[{"scopeSpans":[{"spans":[{"kind":true}]}]}]}""", "must be an integer, not a boolean")]
    [InlineData("""{"resourceSpans":[{"scopeSpans":[{"spans":[{"kind":{}}]}]}]}""", "must be an integer, not an object")]
    [InlineData("""{"resourceSpans":[{"scopeSpans":[{"spans":[{"kind":2.5}]}]}]}""", "out of range")]
    [InlineData("""{"resourceSpans":[{"scopeSpans":[{"spans":[{"kind":2147483648}]}]}]}""", "out of range")]
    [InlineData("""{"resourceSpans":[{"scopeSpans":[{"spans":[{"startTimeUnixNano":1.5}]}]}]}""", "out of range")]
    [InlineData("""{"resourceSpans":[{"scopeSpans":[{"spans":[{"startTimeUnixNano":"-1"}]}]}]}""", "must be an unsigned integer")]
    [InlineData("""{"resourceSpans":[{"scopeSpans":[{"spans":[{"startTimeUnixNano":"18446744073709551616"}]}]}]}""", "must be an unsigned integer")]
    [InlineData("""{"resourceSpans":[{"scopeSpans":[{"spans":[{"startTimeUnixNano":" 5"}]}]}]}""", "must be an unsigned integer")]
    [InlineData("""{"resourceSpans":[{"scopeSpans":[{"spans":[{"droppedAttributesCount":4294967296}]}]}]}""", "out of range")]
    [InlineData("""{"resourceSpans":[{"scopeSpans":[{"spans":[{"traceId":5}]}]}]}""", "must be a hex string, not a number")]
    [InlineData("""{"resourceSpans":[{"scopeSpans":[{"spans":[{"attributes":[{"value":{"intValue":"12x"}}]}]}]}]}""", "must be an integer")]
    [InlineData("""{"resourceSpans":[{"scopeSpans":[{"spans":[{"attributes":[{"value":{"intValue":"9223372036854775808"}}]}]}]}]}""", "must be an integer")]
    [InlineData("""{"resourceSpans":[{"scopeSpans":[{"spans":[{"attributes":[{"value":{"doubleValue":"abc"}}]}]}]}]}""", "must be a number")]
    [InlineData("""{"resourceSpans":[{"scopeSpans":[{"spans":[{"attributes":[{"value":{"doubleValue":"infinity"}}]}]}]}]}""", "must be a number")]
    [InlineData("""{"resourceSpans":[{"scopeSpans":[{"spans":[{"attributes":[{"value":{"doubleValue":true}}]}]}]}]}""", "must be a number")]
    [InlineData("""{"resourceSpans":[{"scopeSpans":[{"spans":[{"attributes":[{"value":{"boolValue":"true"}}]}]}]}]}""", "must be true or false")]
    [InlineData("""{"resourceSpans":[{"scopeSpans":[{"spans":[{"attributes":[{"value":{"bytesValue":"!!!!"}}]}]}]}]}""", "must be base64")]
    [InlineData("""{"resourceSpans":[{"scopeSpans":[{"spans":[{"attributes":[{"value":{"bytesValue":"AQIDB"}}]}]}]}]}""", "must be base64")]
    [InlineData("""{"resourceSpans":[{"scopeSpans":[{"spans":[{"attributes":[{"value":{"bytesValue":5}}]}]}]}]}""", "must be a base64 string")]
    [InlineData("""{"resourceSpans":[{"scopeSpans":[{"spans":[{"attributes":[{"value":{"stringValue":"a","intValue":1}}]}]}]}]}""", "more than one value for its oneof 'value'")]
    [InlineData("""{"resourceSpans":[{"scopeSpans":[{"spans":[{"attributes":[{"value":{"arrayValue":{"values":[null]}}}]}]}]}]}""", "is null")]
    [InlineData("""[]""", "must be a JSON object, not an array")]
    [InlineData("""5""", "must be a JSON object, not a number")]
    [InlineData("""null""", "must be a JSON object, not null")]
    public void WrongTypesAreRefusedWithWhereAndWhat(string json, string expected)
    {
        OtlpFormatException ex = Refused<ExportTraceServiceRequest>(json);

        Assert.StartsWith("invalid OTLP JSON at byte ", ex.Message, StringComparison.Ordinal);
        Assert.Contains(expected, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void WrongTypesInMetricsAreRefused()
    {
        Assert.Contains("must be an array", Refused<ExportMetricsServiceRequest>(Metrics("""{"histogram":{"dataPoints":[{"bucketCounts":5}]}}""")).Message, StringComparison.Ordinal);
        Assert.Contains("is null", Refused<ExportMetricsServiceRequest>(Metrics("""{"histogram":{"dataPoints":[{"bucketCounts":[1,null]}]}}""")).Message, StringComparison.Ordinal);
        Assert.Contains("must be an unsigned integer", Refused<ExportMetricsServiceRequest>(Metrics("""{"histogram":{"dataPoints":[{"bucketCounts":["-1"]}]}}""")).Message, StringComparison.Ordinal);
        Assert.Contains("more than one value for its oneof 'data'", Refused<ExportMetricsServiceRequest>(Metrics("""{"gauge":{},"sum":{}}""")).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void EveryTruncationOfARequestIsRefused()
    {
        const string Json = """
            {"resourceSpans":[{"resource":{"attributes":[{"key":"service.name","value":{"stringValue":"checkout"}}]},
            "scopeSpans":[{"spans":[{"traceId":"5b8efff798038103d269b633813fc60c","spanId":"eee19b7ec3c1b174","name":"GET",
            "kind":2,"startTimeUnixNano":"1","endTimeUnixNano":2,"attributes":[{"key":"n","value":{"doubleValue":"NaN"}},
            {"key":"a","value":{"arrayValue":{"values":[{"boolValue":true},{"bytesValue":"AQID"},null]}}}],
            "status":{"code":"STATUS_CODE_ERROR"}}]}]}]}
            """;
        byte[] whole = Encoding.UTF8.GetBytes(Json.ReplaceLineEndings(""));
        whole = [.. whole.AsSpan(0, whole.AsSpan().IndexOf(",null"u8)), .. whole.AsSpan(whole.AsSpan().IndexOf(",null"u8) + 5)];
        Assert.NotEmpty(OtlpJson.ParseTraces(whole).ResourceSpans);

        for (int length = 0; length < whole.Length; length++)
        {
            var ex = Assert.Throws<OtlpFormatException>(() => OtlpJson.ParseTraces(whole.AsSpan(0, length)));
            Assert.StartsWith("invalid JSON", ex.Message, StringComparison.Ordinal);
            Assert.DoesNotContain('\n', ex.Message);
        }
    }

    [Fact]
    public void DeepNestingIsRefused()
    {
        // Each AnyValue array level is two messages deep, below the six from the request to the attribute's value.
        Assert.Equal(46, ArrayDepth(OneValue(NestedArrays(46))));

        OtlpFormatException ex = Refused<ExportTraceServiceRequest>(SpanDocument($$"""{"attributes":[{"key":"k","value":{{NestedArrays(48)}}}]}"""));

        Assert.Contains("messages are nested more than 100 deep", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void DeepUnknownJsonIsRefusedBeforeItCostsStack()
    {
        string deep = new string('[', 300) + new string(']', 300);

        OtlpFormatException ex = Refused<ExportTraceServiceRequest>($$"""{"unknown":{{deep}}}""");

        Assert.StartsWith("invalid JSON at byte ", ex.Message, StringComparison.Ordinal);
        Assert.Contains("depth", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void MapsAndWellKnownTypesAreRefusedNotMisread()
    {
        // Google.Rpc.Status's details are google.protobuf.Any, which OTLP never uses.
        Assert.Equal("ok", OtlpJson.Parse<Google.Rpc.Status>("""{"code":3,"message":"ok","details":[]}"""u8).Message);

        OtlpFormatException ex = Assert.Throws<OtlpFormatException>(() => OtlpJson.Parse<Google.Rpc.Status>("""{"details":[{"@type":"x"}]}"""u8));

        Assert.Contains("well-known type", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void InvalidUtf8InAnEscapedStringIsRefused()
    {
        // Unescaping checks the text (an unescaped string's bad bytes become U+FFFD instead, as before).
        byte[] json = [.. "{\"resourceSpans\":[{\"schemaUrl\":\"\\n"u8, 0xC3, 0x28, .. "\"}]}"u8];

        var ex = Assert.Throws<OtlpFormatException>(() => OtlpJson.ParseTraces(json));

        Assert.Equal("invalid JSON at byte 31: a string is not valid Unicode text", ex.Message);
    }

    [Fact]
    public void TheOutputIsReplacedNotAppended()
    {
        using var wire = new ProtobufWriter();
        OtlpJson.ToProtobuf("""{"resourceSpans":[{"schemaUrl":"first"}]}"""u8, ExportTraceServiceRequest.Descriptor, wire);

        byte[] second = OtlpJson.ToProtobuf("""{"resourceSpans":[{"schemaUrl":"second"}]}"""u8, ExportTraceServiceRequest.Descriptor, wire).ToArray();

        Assert.Equal("second", Assert.Single(ExportTraceServiceRequest.Parser.ParseFrom(second).ResourceSpans).SchemaUrl);
    }

    private static string NestedArrays(int levels)
    {
        var json = new StringBuilder();
        for (int i = 0; i < levels; i++)
        {
            json.Append("""{"arrayValue":{"values":[""");
        }

        json.Append("""{"intValue":1}""");
        for (int i = 0; i < levels; i++)
        {
            json.Append("]}}");
        }

        return json.ToString();
    }

    private static int ArrayDepth(AnyValue value)
    {
        int depth = 0;
        while (value.ValueCase == AnyValue.ValueOneofCase.ArrayValue)
        {
            value = value.ArrayValue.Values[0];
            depth++;
        }

        return value.IntValue == 1 ? depth : -1;
    }

    private static OtlpFormatException Refused<T>(string json)
        where T : IMessage<T>, new()
    {
        var ex = Assert.Throws<OtlpFormatException>(() => OtlpJson.Parse<T>(Encoding.UTF8.GetBytes(json)));
        Assert.DoesNotContain('\n', ex.Message);
        Assert.DoesNotContain('\r', ex.Message);
        return ex;
    }

    private static byte[] Wire<T>(string json)
        where T : IMessage<T>, new()
    {
        using var wire = new ProtobufWriter();
        return OtlpJson.ToProtobuf(Encoding.UTF8.GetBytes(json), new T().Descriptor, wire).ToArray();
    }

    private static string SpanDocument(string span) => $$"""{"resourceSpans":[{"scopeSpans":[{"spans":[{{span}}]}]}]}""";

    private static Span OneSpan(string span) =>
        Assert.Single(Assert.Single(Assert.Single(OtlpJson.ParseTraces(Encoding.UTF8.GetBytes(SpanDocument(span))).ResourceSpans).ScopeSpans).Spans);

    private static AnyValue OneValue(string value) => Assert.Single(OneSpan($$"""{"attributes":[{"key":"k","value":{{value}}}]}""").Attributes).Value;

    private static string Metrics(string metric) => $$"""{"resourceMetrics":[{"scopeMetrics":[{"metrics":[{{metric}}]}]}]}""";

    private static Metric OneMetric(string metric) =>
        Assert.Single(Assert.Single(Assert.Single(OtlpJson.ParseMetrics(Encoding.UTF8.GetBytes(Metrics(metric))).ResourceMetrics).ScopeMetrics).Metrics);
}
