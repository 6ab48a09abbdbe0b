using Xunit;
using System.IO.Compression;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Google.Protobuf;
using Grpc.Core;
using Grpc.Net.Client;
using OpenTelemetry.Proto.Collector.Logs.V1;
using OpenTelemetry.Proto.Collector.Trace.V1;
using OpenTelemetry.Proto.Common.V1;
using OpenTelemetry.Proto.Logs.V1;
using OpenTelemetry.Proto.Resource.V1;
using OpenTelemetry.Proto.Trace.V1;

namespace OtlpGrains.Silo.Tests;

/// <summary>
/// Every refusal the gateway makes, through the real HTTP and gRPC endpoints: the right status, a one-line reason,
/// a counter, and no change to any service.
/// </summary>
[Collection(SiloCollection.Name)]
public sealed class BadInputTests(SiloFixture silo) : IDisposable
{
    private readonly HttpClient _otlp = new() { BaseAddress = new Uri($"http://127.0.0.1:{silo.HttpPort}") };
    private readonly GrpcChannel _channel = GrpcChannel.ForAddress(silo.GrpcEndpoint, new GrpcChannelOptions { MaxSendMessageSize = null });

    public void Dispose()
    {
        _otlp.Dispose();
        _channel.Dispose();
    }

    [Fact]
    public async Task UnsupportedMediaTypeIs415()
    {
        var response = await RefusedAsync(new StringContent("hello", Encoding.UTF8, "text/plain"));
        Assert.Equal(HttpStatusCode.UnsupportedMediaType, response.StatusCode);
        Assert.Contains("application/x-protobuf", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task MalformedProtobufIs400()
    {
        var content = new ByteArrayContent([0x0a, 0xff, 0xff, 0xff, 0xff, 0x0f, 0x01]);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/x-protobuf");
        var response = await RefusedAsync(content);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var status = Google.Rpc.Status.Parser.ParseFrom(await response.Content.ReadAsByteArrayAsync());
        Assert.Equal(3, status.Code);
        Assert.StartsWith("malformed OTLP protobuf", status.Message, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', status.Message);
    }

    [Fact]
    public async Task MalformedJsonIs400()
    {
        var response = await RefusedAsync(new StringContent("{\"resourceSpans\": [", Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var status = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(3, status.GetProperty("code").GetInt32());
        Assert.StartsWith("malformed OTLP JSON", status.GetProperty("message").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task MalformedGzipIs400()
    {
        var content = new ByteArrayContent([0x1f, 0x8b, 0x08, 0x00, 0x01, 0x02, 0x03]);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/x-protobuf");
        content.Headers.ContentEncoding.Add("gzip");
        var response = await RefusedAsync(content);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }

    [Fact]
    public async Task GzipBombIs413()
    {
        using var compressed = new MemoryStream();
        using (var gzip = new GZipStream(compressed, CompressionLevel.SmallestSize, leaveOpen: true))
        {
            var zeros = new byte[1024 * 1024];
            for (var i = 0; i < 64; i++)
            {
                gzip.Write(zeros);
            }
        }

        var content = new ByteArrayContent(compressed.ToArray());
        content.Headers.ContentType = new MediaTypeHeaderValue("application/x-protobuf");
        content.Headers.ContentEncoding.Add("gzip");
        var before = await RefusedCounterAsync("too_large");
        var response = await RefusedAsync(content);
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.Equal(before + 1, await RefusedCounterAsync("too_large"));
    }

    [Fact]
    public async Task AllInvalidIdsIs400AndPartlyInvalidIsPartialSuccess()
    {
        var service = $"bad-ids-{Guid.NewGuid():N}"[..20];
        var allInvalid = Request(service, Span(traceId: new byte[15], spanId: new byte[8]));
        var response = await RefusedAsync(Protobuf(allInvalid));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var status = Google.Rpc.Status.Parser.ParseFrom(await response.Content.ReadAsByteArrayAsync());
        Assert.Contains("trace id must be 16 bytes", status.Message, StringComparison.Ordinal);
        Assert.Null(await silo.ServiceAsync(service));

        // One valid span, one with an 8-byte parent id that is 7 bytes: the valid one is counted, the other refused.
        var mixed = Request(service, Span(RandomBytes(16), RandomBytes(8)), Span(RandomBytes(16), RandomBytes(8), parent: new byte[7]));
        var partial = await _otlp.PostAsync("/v1/traces", Protobuf(mixed));
        Assert.Equal(HttpStatusCode.OK, partial.StatusCode);
        var answer = ExportTraceServiceResponse.Parser.ParseFrom(await partial.Content.ReadAsByteArrayAsync());
        Assert.Equal(1, answer.PartialSuccess.RejectedSpans);
        Assert.Contains("parent span id", answer.PartialSuccess.ErrorMessage, StringComparison.Ordinal);
        var seen = await silo.ServiceAsync(service);
        Assert.Equal(1, seen?.GetProperty("spans").GetInt64());
    }

    [Fact]
    public async Task BadLogRecordsAreRefusedOrCutAndCounted()
    {
        var service = $"bad-logs-{Guid.NewGuid():N}"[..20];
        long cutBefore = await CounterAsync("otlpgrains_gateway_cut_items_total{signal=\"logs\"}");

        // A record with a 15-byte trace id is refused (partial success); one with a 20,000-character body is kept,
        // cut to 8 KiB, and counted; one with no body at all is kept as an empty line.
        var request = LogRequest(service,
            new LogRecord { Body = new AnyValue { StringValue = "bad id" }, TraceId = ByteString.CopyFrom(new byte[15]) },
            new LogRecord { Body = new AnyValue { StringValue = new string('z', 20_000) }, SeverityNumber = SeverityNumber.Error },
            new LogRecord { SeverityNumber = SeverityNumber.Info });
        var partial = await _otlp.PostAsync("/v1/logs", Protobuf(request));
        Assert.Equal(HttpStatusCode.OK, partial.StatusCode);
        var answer = ExportLogsServiceResponse.Parser.ParseFrom(await partial.Content.ReadAsByteArrayAsync());
        Assert.Equal(1, answer.PartialSuccess.RejectedLogRecords);
        Assert.Contains("trace id", answer.PartialSuccess.ErrorMessage, StringComparison.Ordinal);
        Assert.Equal(cutBefore + 1, await CounterAsync("otlpgrains_gateway_cut_items_total{signal=\"logs\"}"));

        var logs = await SiloFixture.EventuallyAsync(
            () => silo.Api.GetFromJsonAsync<JsonElement>($"/api/v1/services/{service}/logs"),
            d => d.GetProperty("records").GetArrayLength() == 2);
        var bodies = logs.GetProperty("records").EnumerateArray().Select(r => r.GetProperty("body").GetString()!).ToArray();
        Assert.Equal(["", new string('z', 8192)], bodies);

        // Invalid UTF-8 in a body: the protobuf string is refused whole as malformed, and nothing changes.
        var invalid = LogRequest(service, new LogRecord { Body = new AnyValue { StringValue = "@@@@" } }).ToByteArray();
        int at = invalid.AsSpan().IndexOf("@@@@"u8);
        invalid[at] = 0xFF;
        invalid[at + 1] = 0xFE;
        var refused = await _otlp.PostAsync("/v1/logs", new ByteArrayContent(invalid) { Headers = { ContentType = new MediaTypeHeaderValue("application/x-protobuf") } });
        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        var after = await silo.Api.GetFromJsonAsync<JsonElement>($"/api/v1/services/{service}/logs");
        Assert.Equal(2, after.GetProperty("records").GetArrayLength());
    }

    private static ExportLogsServiceRequest LogRequest(string service, params LogRecord[] records) => new()
    {
        ResourceLogs =
        {
            new ResourceLogs
            {
                Resource = new Resource { Attributes = { new KeyValue { Key = "service.name", Value = new AnyValue { StringValue = service } } } },
                ScopeLogs = { new ScopeLogs { LogRecords = { records } } },
            },
        },
    };

    [Fact]
    public async Task GrpcRefusalsUseOtlpStatusCodes()
    {
        var client = new TraceService.TraceServiceClient(_channel);
        var service = $"bad-grpc-{Guid.NewGuid():N}"[..20];
        var before = await TotalSpansAsync();

        var invalid = await Assert.ThrowsAsync<RpcException>(async () =>
            await client.ExportAsync(Request(service, Span(RandomBytes(16), new byte[8]))));
        Assert.Equal(StatusCode.InvalidArgument, invalid.StatusCode);
        Assert.Contains("span id must be 8 bytes", invalid.Status.Detail, StringComparison.Ordinal);

        var huge = Request(service, Span(RandomBytes(16), RandomBytes(8)));
        huge.ResourceSpans[0].ScopeSpans[0].Spans[0].Attributes.Add(new KeyValue
        {
            Key = "blob",
            Value = new AnyValue { StringValue = new string('x', 17 * 1024 * 1024) },
        });
        var tooLarge = await Assert.ThrowsAsync<RpcException>(async () => await client.ExportAsync(huge));
        Assert.Equal(StatusCode.ResourceExhausted, tooLarge.StatusCode);

        Assert.Equal(before, await TotalSpansAsync());
        Assert.Null(await silo.ServiceAsync(service));

        var partial = await client.ExportAsync(Request(service, Span(RandomBytes(16), RandomBytes(8)), Span(new byte[16], RandomBytes(8))));
        Assert.Equal(1, partial.PartialSuccess.RejectedSpans);
    }

    [Fact]
    public async Task GrpcMalformedProtobufIsInvalidArgument()
    {
        var raw = new Method<byte[], byte[]>(
            MethodType.Unary,
            "opentelemetry.proto.collector.trace.v1.TraceService",
            "Export",
            Marshallers.Create(bytes => bytes, bytes => bytes),
            Marshallers.Create(bytes => bytes, bytes => bytes));
        var before = await TotalSpansAsync();
        var error = await Assert.ThrowsAsync<RpcException>(async () =>
            await _channel.CreateCallInvoker().AsyncUnaryCall(raw, null, new CallOptions(), [0x0a, 0xff, 0xff, 0xff, 0xff, 0x0f, 0x01]));
        Assert.Equal(StatusCode.InvalidArgument, error.StatusCode);
        Assert.Equal(before, await TotalSpansAsync());
    }

    /// <summary>Posts a request that must be refused, and checks that no service changed.</summary>
    private async Task<HttpResponseMessage> RefusedAsync(HttpContent content)
    {
        var before = await TotalSpansAsync();
        var response = await _otlp.PostAsync("/v1/traces", content);
        Assert.Equal(before, await TotalSpansAsync());
        return response;
    }

    private async Task<long> TotalSpansAsync()
    {
        var doc = await silo.Api.GetFromJsonAsync<JsonElement>("/api/v1/services");
        return doc.GetProperty("services").EnumerateArray().Sum(s => s.GetProperty("spans").GetInt64());
    }

    private Task<long> RefusedCounterAsync(string reason) =>
        CounterAsync($"otlpgrains_gateway_refused_requests_total{{reason=\"{reason}\",signal=\"traces\"}}");

    private async Task<long> CounterAsync(string series)
    {
        var text = await silo.Api.GetStringAsync("/metrics");
        var prefix = series + " ";
        var line = text.Split('\n').Single(l => l.StartsWith(prefix, StringComparison.Ordinal));
        return long.Parse(line[prefix.Length..], System.Globalization.CultureInfo.InvariantCulture);
    }

    private static ByteArrayContent Protobuf(IMessage message)
    {
        var content = new ByteArrayContent(message.ToByteArray());
        content.Headers.ContentType = new MediaTypeHeaderValue("application/x-protobuf");
        return content;
    }

    private static ExportTraceServiceRequest Request(string service, params Span[] spans)
    {
        var resource = new Resource();
        resource.Attributes.Add(new KeyValue { Key = "service.name", Value = new AnyValue { StringValue = service } });
        var scope = new ScopeSpans();
        scope.Spans.AddRange(spans);
        var resourceSpans = new ResourceSpans { Resource = resource };
        resourceSpans.ScopeSpans.Add(scope);
        var request = new ExportTraceServiceRequest();
        request.ResourceSpans.Add(resourceSpans);
        return request;
    }

    private static Span Span(byte[] traceId, byte[] spanId, byte[]? parent = null)
    {
        var now = (ulong)(DateTimeOffset.UtcNow - DateTimeOffset.UnixEpoch).Ticks * 100;
        return new Span
        {
            TraceId = ByteString.CopyFrom(traceId),
            SpanId = ByteString.CopyFrom(spanId),
            ParentSpanId = parent is null ? ByteString.Empty : ByteString.CopyFrom(parent),
            Name = "GET /",
            Kind = OpenTelemetry.Proto.Trace.V1.Span.Types.SpanKind.Server,
            StartTimeUnixNano = now - 1_000_000,
            EndTimeUnixNano = now,
        };
    }

    private static byte[] RandomBytes(int length)
    {
        var bytes = new byte[length];
        Random.Shared.NextBytes(bytes);
        bytes[0] |= 1;
        return bytes;
    }
}
