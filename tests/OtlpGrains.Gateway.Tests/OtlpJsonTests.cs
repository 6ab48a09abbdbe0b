using System.Text;
using Google.Protobuf;
using OpenTelemetry.Proto.Collector.Logs.V1;
using OpenTelemetry.Proto.Collector.Metrics.V1;
using OpenTelemetry.Proto.Collector.Trace.V1;
using OpenTelemetry.Proto.Common.V1;
using OpenTelemetry.Proto.Logs.V1;
using OpenTelemetry.Proto.Metrics.V1;
using OpenTelemetry.Proto.Trace.V1;
using OtlpGrains.Gateway.Otlp;
using Xunit;

namespace OtlpGrains.Gateway.Tests;

public sealed class OtlpJsonTests
{
    [Fact]
    public void TracesRoundTripThroughJson()
    {
        ExportTraceServiceRequest original = OtlpSamples.Traces();
        byte[] wire = original.ToByteArray();

        byte[] json = OtlpJson.Format(ExportTraceServiceRequest.Parser.ParseFrom(wire));
        ExportTraceServiceRequest back = OtlpJson.ParseTraces(json);

        Assert.Equal(original, back);
        Assert.Equal(wire, back.ToByteArray());
    }

    [Fact]
    public void MetricsRoundTripThroughJson()
    {
        ExportMetricsServiceRequest original = OtlpSamples.Metrics();
        byte[] wire = original.ToByteArray();

        byte[] json = OtlpJson.Format(ExportMetricsServiceRequest.Parser.ParseFrom(wire));
        ExportMetricsServiceRequest back = OtlpJson.ParseMetrics(json);

        Assert.Equal(original, back);
        Assert.Equal(wire, back.ToByteArray());
    }

    [Fact]
    public void LogsRoundTripThroughJson()
    {
        ExportLogsServiceRequest original = OtlpSamples.Logs();
        byte[] wire = original.ToByteArray();

        byte[] json = OtlpJson.Format(ExportLogsServiceRequest.Parser.ParseFrom(wire));
        ExportLogsServiceRequest back = OtlpJson.ParseLogs(json);

        Assert.Equal(original, back);
        Assert.Equal(wire, back.ToByteArray());
    }

    [Fact]
    public void ResponsesRoundTripThroughJson()
    {
        var response = new ExportTraceServiceResponse
        {
            PartialSuccess = new ExportTracePartialSuccess { RejectedSpans = 3, ErrorMessage = "3 spans had invalid ids" },
        };

        byte[] json = OtlpJson.Format(response);

        Assert.Equal("""{"partialSuccess":{"rejectedSpans":"3","errorMessage":"3 spans had invalid ids"}}""", Encoding.UTF8.GetString(json));
        Assert.Equal(response, OtlpJson.Parse<ExportTraceServiceResponse>(json));
    }

    [Fact]
    public void HandWrittenTraceDocumentParsesToExpectedValues()
    {
        const string Json = """
            {
              "resourceSpans": [{
                "resource": { "attributes": [
                  { "key": "service.name", "value": { "stringValue": "checkout" } },
                  { "key": "retries", "value": { "intValue": "9007199254740993" } },
                  { "key": "ratio", "value": { "doubleValue": 0.5 } },
                  { "key": "raw", "value": { "bytesValue": "AQID" } }
                ] },
                "futureField": { "nested": [1, 2, { "traceId": "zz" }] },
                "scopeSpans": [{
                  "scope": { "name": "lib", "version": "2" },
                  "spans": [{
                    "traceId": "5B8EFFF798038103D269B633813FC60C",
                    "spanId": "eee19b7ec3c1b174",
                    "parentSpanId": "",
                    "name": "GET /cart",
                    "kind": 2,
                    "startTimeUnixNano": "1544712660000000000",
                    "endTimeUnixNano": 1544712661000000000,
                    "attributes": [{ "key": "http.response.status_code", "value": { "intValue": 503 } }],
                    "status": { "code": 2, "message": "unavailable" },
                    "events": [{ "timeUnixNano": "1544712660500000000", "name": "retry" }],
                    "links": [{ "traceId": "00000000000000000000000000000001", "spanId": "0000000000000002" }],
                    "unknownScalar": 42
                  }, {
                    "trace_id": "5b8efff798038103d269b633813fc60c",
                    "span_id": "0000000000000003",
                    "parent_span_id": "eee19b7ec3c1b174",
                    "name": "db",
                    "kind": "SPAN_KIND_CLIENT",
                    "start_time_unix_nano": 1,
                    "end_time_unix_nano": "2",
                    "status": { "code": "STATUS_CODE_OK" }
                  }]
                }]
              }],
              "unknownTopLevel": "ignored"
            }
            """;

        ExportTraceServiceRequest request = OtlpJson.ParseTraces(Encoding.UTF8.GetBytes(Json));

        ResourceSpans resourceSpans = Assert.Single(request.ResourceSpans);
        Assert.Equal("checkout", resourceSpans.Resource.Attributes[0].Value.StringValue);
        Assert.Equal(9_007_199_254_740_993L, resourceSpans.Resource.Attributes[1].Value.IntValue);
        Assert.Equal(0.5, resourceSpans.Resource.Attributes[2].Value.DoubleValue);
        Assert.Equal(new byte[] { 1, 2, 3 }, resourceSpans.Resource.Attributes[3].Value.BytesValue.ToByteArray());
        ScopeSpans scopeSpans = Assert.Single(resourceSpans.ScopeSpans);
        Assert.Equal("lib", scopeSpans.Scope.Name);
        Assert.Equal(2, scopeSpans.Spans.Count);

        Span server = scopeSpans.Spans[0];
        Assert.Equal(Convert.FromHexString("5b8efff798038103d269b633813fc60c"), server.TraceId.ToByteArray());
        Assert.Equal(Convert.FromHexString("eee19b7ec3c1b174"), server.SpanId.ToByteArray());
        Assert.True(server.ParentSpanId.IsEmpty);
        Assert.Equal("GET /cart", server.Name);
        Assert.Equal(Span.Types.SpanKind.Server, server.Kind);
        Assert.Equal(1_544_712_660_000_000_000UL, server.StartTimeUnixNano);
        Assert.Equal(1_544_712_661_000_000_000UL, server.EndTimeUnixNano);
        Assert.Equal(503, server.Attributes[0].Value.IntValue);
        Assert.Equal(Status.Types.StatusCode.Error, server.Status.Code);
        Assert.Equal("unavailable", server.Status.Message);
        Assert.Equal(1_544_712_660_500_000_000UL, Assert.Single(server.Events).TimeUnixNano);
        Span.Types.Link link = Assert.Single(server.Links);
        Assert.Equal(Convert.FromHexString("00000000000000000000000000000001"), link.TraceId.ToByteArray());
        Assert.Equal(Convert.FromHexString("0000000000000002"), link.SpanId.ToByteArray());

        Span client = scopeSpans.Spans[1];
        Assert.Equal(server.TraceId, client.TraceId);
        Assert.Equal(Convert.FromHexString("0000000000000003"), client.SpanId.ToByteArray());
        Assert.Equal(server.SpanId, client.ParentSpanId);
        Assert.Equal(Span.Types.SpanKind.Client, client.Kind);
        Assert.Equal(1UL, client.StartTimeUnixNano);
        Assert.Equal(2UL, client.EndTimeUnixNano);
        Assert.Equal(Status.Types.StatusCode.Ok, client.Status.Code);
    }

    [Fact]
    public void HandWrittenLogAndMetricDocumentsParseIds()
    {
        const string Logs = """
            {"resourceLogs":[{"scopeLogs":[{"logRecords":[{"timeUnixNano":"5","severityNumber":17,"severityText":"ERROR",
            "body":{"stringValue":"failed"},"traceId":"0102030405060708090a0b0c0d0e0f10","spanId":"1112131415161718"}]}]}]}
            """;
        const string Metrics = """
            {"resourceMetrics":[{"scopeMetrics":[{"metrics":[{"name":"requests","sum":{"aggregationTemporality":"AGGREGATION_TEMPORALITY_DELTA",
            "isMonotonic":true,"dataPoints":[{"asInt":"-7","timeUnixNano":9,"exemplars":[{"asDouble":1.5,
            "traceId":"0102030405060708090a0b0c0d0e0f10","spanId":"1112131415161718"}]}]}}]}]}]}
            """;

        LogRecord log = OtlpJson.ParseLogs(Encoding.UTF8.GetBytes(Logs)).ResourceLogs[0].ScopeLogs[0].LogRecords[0];
        Metric metric = OtlpJson.ParseMetrics(Encoding.UTF8.GetBytes(Metrics)).ResourceMetrics[0].ScopeMetrics[0].Metrics[0];

        Assert.Equal(5UL, log.TimeUnixNano);
        Assert.Equal(SeverityNumber.Error, log.SeverityNumber);
        Assert.Equal("failed", log.Body.StringValue);
        Assert.Equal(Convert.FromHexString("0102030405060708090a0b0c0d0e0f10"), log.TraceId.ToByteArray());
        Assert.Equal(Convert.FromHexString("1112131415161718"), log.SpanId.ToByteArray());
        Assert.Equal(AggregationTemporality.Delta, metric.Sum.AggregationTemporality);
        Assert.True(metric.Sum.IsMonotonic);
        NumberDataPoint point = Assert.Single(metric.Sum.DataPoints);
        Assert.Equal(-7L, point.AsInt);
        Assert.Equal(9UL, point.TimeUnixNano);
        Exemplar exemplar = Assert.Single(point.Exemplars);
        Assert.Equal(1.5, exemplar.AsDouble);
        Assert.Equal(Convert.FromHexString("0102030405060708090a0b0c0d0e0f10"), exemplar.TraceId.ToByteArray());
        Assert.Equal(Convert.FromHexString("1112131415161718"), exemplar.SpanId.ToByteArray());
    }

    [Fact]
    public void FormatWritesHexIdsAndIntegerEnums()
    {
        var request = new ExportTraceServiceRequest
        {
            ResourceSpans =
            {
                new ResourceSpans
                {
                    ScopeSpans =
                    {
                        new ScopeSpans
                        {
                            Spans =
                            {
                                new Span
                                {
                                    TraceId = ByteString.CopyFrom(Convert.FromHexString("5b8efff798038103d269b633813fc60c")),
                                    SpanId = ByteString.CopyFrom(Convert.FromHexString("eee19b7ec3c1b174")),
                                    ParentSpanId = ByteString.CopyFrom(Convert.FromHexString("00000000000000ff")),
                                    Kind = Span.Types.SpanKind.Consumer,
                                    Status = new Status { Code = Status.Types.StatusCode.Error },
                                    Attributes = { new KeyValue { Key = "b", Value = new AnyValue { BytesValue = ByteString.CopyFrom(1, 2, 3) } } },
                                    Links = { new Span.Types.Link { TraceId = ByteString.CopyFrom(new byte[16]), SpanId = ByteString.CopyFrom(Convert.FromHexString("abcdef0123456789")) } },
                                },
                            },
                        },
                    },
                },
            },
        };

        string json = Encoding.UTF8.GetString(OtlpJson.Format(request));

        Assert.Contains("\"traceId\":\"5b8efff798038103d269b633813fc60c\"", json, StringComparison.Ordinal);
        Assert.Contains("\"spanId\":\"eee19b7ec3c1b174\"", json, StringComparison.Ordinal);
        Assert.Contains("\"parentSpanId\":\"00000000000000ff\"", json, StringComparison.Ordinal);
        Assert.Contains("\"traceId\":\"00000000000000000000000000000000\"", json, StringComparison.Ordinal);
        Assert.Contains("\"spanId\":\"abcdef0123456789\"", json, StringComparison.Ordinal);
        Assert.Contains("\"kind\":5", json, StringComparison.Ordinal);
        Assert.Contains("\"code\":2", json, StringComparison.Ordinal);
        Assert.Contains("\"bytesValue\":\"AQID\"", json, StringComparison.Ordinal);
        Assert.DoesNotContain("SPAN_KIND", json, StringComparison.Ordinal);
        Assert.DoesNotContain("STATUS_CODE", json, StringComparison.Ordinal);
    }

    [Fact]
    public void FormatWritesLogAndExemplarIdsAsHex()
    {
        string logs = Encoding.UTF8.GetString(OtlpJson.Format(OtlpSamples.Logs()));
        string metrics = Encoding.UTF8.GetString(OtlpJson.Format(OtlpSamples.Metrics()));

        string traceHex = Convert.ToHexStringLower(OtlpSamples.Id(16, (byte)SeverityNumber.Info).ToByteArray());
        string exemplarSpanHex = Convert.ToHexStringLower(OtlpSamples.Id(8, 9).ToByteArray());
        Assert.Contains($"\"traceId\":\"{traceHex}\"", logs, StringComparison.Ordinal);
        Assert.Contains("\"severityNumber\":9", logs, StringComparison.Ordinal);
        Assert.Contains($"\"spanId\":\"{exemplarSpanHex}\"", metrics, StringComparison.Ordinal);
        Assert.Contains("\"aggregationTemporality\":2", metrics, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("", "invalid JSON")]
    [InlineData("   ", "invalid JSON")]
    [InlineData("{", "invalid JSON")]
    [InlineData("not json", "invalid JSON at byte 1")]
    [InlineData("{\"resourceSpans\":}", "invalid JSON at byte 17")]
    [InlineData("{\n  \"resourceSpans\": [,]\n}", "invalid JSON at byte 22")]
    [InlineData("{} {}", "invalid JSON at byte 3")]
    [InlineData("{\"resourceSpans\":5}", "invalid OTLP JSON")]
    [InlineData("{\"resourceSpans\":[{\"scopeSpans\":[{\"spans\":[{\"name\":5}]}]}]}", "invalid OTLP JSON")]
    [InlineData("{\"resourceSpans\":[{\"schemaUrl\":\"\\uD800\"}]}", "invalid JSON")]
    [InlineData("{\"resourceSpans\":[{\"scopeSpans\":[{\"spans\":[{\"startTimeUnixNano\":\"soon\"}]}]}]}", "invalid OTLP JSON")]
    [InlineData("{\"resourceSpans\":[{\"scopeSpans\":[{\"spans\":[{\"startTimeUnixNano\":-1}]}]}]}", "invalid OTLP JSON")]
    [InlineData("[]", "invalid OTLP JSON")]
    public void MalformedJsonThrowsWithOneLineMessage(string json, string expectedStart)
    {
        var ex = Assert.Throws<OtlpFormatException>(() => OtlpJson.ParseTraces(Encoding.UTF8.GetBytes(json)));

        Assert.StartsWith(expectedStart, ex.Message, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', ex.Message);
        Assert.DoesNotContain('\r', ex.Message);
        Assert.DoesNotContain("   at ", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void InvalidUtf8InAStringBecomesReplacementCharacterAsInProtobuf()
    {
        byte[] json = [.. "{\"resourceSpans\":[{\"schemaUrl\":\""u8, 0xC3, 0x28, .. "\"}]}"u8];

        ExportTraceServiceRequest request = OtlpJson.ParseTraces(json);

        Assert.Equal("\uFFFD(", request.ResourceSpans[0].SchemaUrl);
    }

    [Fact]
    public void UnknownEnumNameIsIgnoredLikeAnUnknownField()
    {
        const string Json = """{"resourceSpans":[{"scopeSpans":[{"spans":[{"name":"x","kind":"SPAN_KIND_FUTURE"}]}]}]}""";

        Span span = OtlpJson.ParseTraces(Encoding.UTF8.GetBytes(Json)).ResourceSpans[0].ScopeSpans[0].Spans[0];

        Assert.Equal("x", span.Name);
        Assert.Equal(Span.Types.SpanKind.Unspecified, span.Kind);
    }

    [Theory]
    [InlineData("5b8efff798038103d269b633813fc6", "5b8efff798038103d269b633813fc6")] // valid hex, 15 bytes
    [InlineData("ABCDEF", "abcdef")] // upper case is hex too
    [InlineData("", "")]
    [InlineData("5b8efff798038103d269b633813fc60", "00")] // odd length
    [InlineData("5b8efff798038103d269b633813fc6zz", "00")] // not hex
    [InlineData("W46f95gDgQPSabYzgT/GDA==", "00")] // base64 instead of hex
    [InlineData("\\u0030\\u0031", "01")] // escaped characters are still hex
    public void IdsDecodeFromHexAndInvalidHexBecomesOneByte(string traceId, string expectedHex)
    {
        string json = $$"""{"resourceSpans":[{"scopeSpans":[{"spans":[{"traceId":"{{traceId}}","spanId":"0102030405060708","name":"kept"}]}]}]}""";

        ExportTraceServiceRequest request = OtlpJson.ParseTraces(Encoding.UTF8.GetBytes(json));

        Span span = request.ResourceSpans[0].ScopeSpans[0].Spans[0];
        Assert.Equal(expectedHex, Convert.ToHexStringLower(span.TraceId.ToByteArray()));
        Assert.Equal("0102030405060708", Convert.ToHexStringLower(span.SpanId.ToByteArray()));
        Assert.Equal("kept", span.Name);
    }

    [Fact]
    public void InvalidIdSpoilsOnlyItsOwnItem()
    {
        const string Json = """
            {"resourceSpans":[{"scopeSpans":[{"spans":[
              {"traceId":"not-hex","spanId":"0102030405060708"},
              {"traceId":"0102030405060708090a0b0c0d0e0f10","spanId":"0102030405060708","links":[{"traceId":"x","spanId":"y"}]}
            ]}]}]}
            """;

        var spans = OtlpJson.ParseTraces(Encoding.UTF8.GetBytes(Json)).ResourceSpans[0].ScopeSpans[0].Spans;

        Assert.Equal(1, spans[0].TraceId.Length);
        Assert.Equal(16, spans[1].TraceId.Length);
        Assert.Equal(1, spans[1].Links[0].TraceId.Length);
        Assert.Equal(1, spans[1].Links[0].SpanId.Length);
    }

    [Fact]
    public void LongStringsAndEscapesSurviveTheRewrite()
    {
        string longText = new string('x', 5000) + "\"\\\t é \u2028 end";
        var request = new ExportLogsServiceRequest
        {
            ResourceLogs = { new ResourceLogs { ScopeLogs = { new ScopeLogs { LogRecords = { new LogRecord { Body = new AnyValue { StringValue = longText } } } } } } },
        };

        ExportLogsServiceRequest back = OtlpJson.ParseLogs(OtlpJson.Format(request));

        Assert.Equal(longText, back.ResourceLogs[0].ScopeLogs[0].LogRecords[0].Body.StringValue);
    }
}
