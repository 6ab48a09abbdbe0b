using System.Net;
using System.Net.Http.Headers;
using OpenTelemetry.Exporter;
using Xunit;

namespace OtlpGrains.Silo.Tests;

/// <summary>
/// The three listeners over TLS: the OpenTelemetry SDK delivers over https with the test CA trusted, the API answers
/// over https, plaintext HTTP/1 and h2c are refused without ingesting anything, and a rotated certificate is served
/// on the next new connection.
/// </summary>
[Collection(TlsSiloCollection.Name)]
public sealed class GatewayTlsTests(TlsSiloFixture tls)
{
    private const int Spans = 12;

    [Theory]
    [InlineData(OtlpExportProtocol.Grpc)]
    [InlineData(OtlpExportProtocol.HttpProtobuf)]
    public async Task SdkDeliversOverHttps(OtlpExportProtocol protocol)
    {
        var client = tls.Client();
        var service = $"tls-{protocol}-{Guid.NewGuid():N}"[..24];

        SdkTraceExport.Run(service, Spans, protocol, protocol == OtlpExportProtocol.Grpc ? tls.GrpcEndpoint : tls.HttpEndpoint, () => client.Http());

        var spans = await SiloFixture.EventuallyAsync(() => tls.SpansAsync(client, service), s => s == Spans);
        Assert.Equal(Spans, spans);
        Assert.Equal(tls.Server.LoadPublic().Thumbprint, client.ServerThumbprint);
    }

    [Fact]
    public async Task ApiAnswersOverHttpsWithTheServedCertificate()
    {
        var client = tls.Client();
        using var api = client.Http(tls.ApiEndpoint);

        var health = await api.GetStringAsync("/healthz");

        Assert.Equal("ok\n", health);
        Assert.NotNull(client.ServerThumbprint);
        var notAfter = await tls.MetricAsync(tls.Client(), "otlpgrains_gateway_tls_certificate_not_after_seconds");
        Assert.True(notAfter > DateTimeOffset.UtcNow.ToUnixTimeSeconds(), $"certificate expiry {notAfter} is not in the future");
    }

    [Fact]
    public async Task PlaintextToTlsPortsIsRefusedAndNothingIsIngested()
    {
        var service = $"plain-{Guid.NewGuid():N}"[..24];
        var clear = new Uri($"http://127.0.0.1:{tls.Silo.HttpPort}");
        var clearGrpc = new Uri($"http://127.0.0.1:{tls.Silo.GrpcPort}");

        // HTTP/1 to the OTLP/HTTP port and to the API port: no HTTP answer but a closed connection (or a 400).
        using var plain = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };
        await AssertRefusedAsync(() => plain.PostAsync(new Uri(clear, "/v1/traces"), Protobuf([])));
        await AssertRefusedAsync(() => plain.GetAsync(new Uri($"http://127.0.0.1:{tls.Silo.ApiPort}/healthz")));

        // h2c (HTTP/2 with prior knowledge, as a cleartext gRPC client speaks) to the OTLP/gRPC port.
        using var h2c = new HttpClient(new SocketsHttpHandler()) { Timeout = TimeSpan.FromSeconds(10) };
        using var grpcRequest = new HttpRequestMessage(HttpMethod.Post, new Uri(clearGrpc, "/opentelemetry.proto.collector.trace.v1.TraceService/Export"))
        {
            Version = HttpVersion.Version20,
            VersionPolicy = HttpVersionPolicy.RequestVersionExact,
            Content = new ByteArrayContent([0, 0, 0, 0, 0]) { Headers = { ContentType = new MediaTypeHeaderValue("application/grpc") } },
        };
        await AssertRefusedAsync(() => h2c.SendAsync(grpcRequest));

        // The SDK's real exports to both ports in cleartext arrive nowhere ...
        SdkTraceExport.Run(service, Spans, OtlpExportProtocol.HttpProtobuf, clear, () => new HttpClient());
        SdkTraceExport.Run(service, Spans, OtlpExportProtocol.Grpc, clearGrpc, () => new HttpClient());
        var client = tls.Client();
        Assert.Equal(0, await tls.SpansAsync(client, service));

        // ... while the same export over TLS counts once, so the service would have been seen.
        SdkTraceExport.Run(service, Spans, OtlpExportProtocol.HttpProtobuf, tls.HttpEndpoint, () => client.Http());
        Assert.Equal(Spans, await SiloFixture.EventuallyAsync(() => tls.SpansAsync(client, service), s => s == Spans));
    }

    [Fact]
    public async Task RotatedCertificateIsServedOnTheNextConnection()
    {
        var before = tls.Client();
        using (var api = before.Http(tls.ApiEndpoint))
        {
            await api.GetStringAsync("/healthz");
        }

        var reloadsBefore = await tls.MetricAsync(tls.Client(), "otlpgrains_gateway_tls_certificate_reloads_total{result=\"ok\"}");
        var next = tls.Ca.IssueServer($"server-{Guid.NewGuid():N}"[..15]);
        await tls.ServeAsync(next);

        // No waiting: the handshake itself notices the files changed, whether or not the watcher fired yet.
        foreach (var endpoint in new[] { tls.ApiEndpoint, tls.HttpEndpoint })
        {
            var after = tls.Client();
            using var http = after.Http(endpoint);
            using var response = await http.GetAsync(endpoint == tls.ApiEndpoint ? "/healthz" : "/v1/traces");
            Assert.Equal(next.LoadPublic().Thumbprint, after.ServerThumbprint);
            Assert.NotEqual(before.ServerThumbprint, after.ServerThumbprint);
        }

        var reloadsAfter = await tls.MetricAsync(tls.Client(), "otlpgrains_gateway_tls_certificate_reloads_total{result=\"ok\"}");
        Assert.Equal(reloadsBefore + 1, reloadsAfter);
    }

    [Fact]
    public async Task HalfWrittenPairKeepsTheServedCertificate()
    {
        var served = tls.Client();
        using (var api = served.Http(tls.ApiEndpoint))
        {
            await api.GetStringAsync("/healthz");
        }

        var failedBefore = await tls.MetricAsync(tls.Client(), "otlpgrains_gateway_tls_certificate_reloads_total{result=\"failed\"}");
        var next = tls.Ca.IssueServer($"server-{Guid.NewGuid():N}"[..15]);
        var other = tls.Ca.IssueServer($"server-{Guid.NewGuid():N}"[..15]);

        // The new certificate with a key that is not its own: as if the key were not written yet.
        await tls.ServeAsync(next, keyOf: other);
        var during = tls.Client();
        using (var api = during.Http(tls.ApiEndpoint))
        {
            Assert.Equal("ok\n", await api.GetStringAsync("/healthz"));
        }

        Assert.Equal(served.ServerThumbprint, during.ServerThumbprint);
        Assert.Equal(failedBefore + 1, await tls.MetricAsync(tls.Client(), "otlpgrains_gateway_tls_certificate_reloads_total{result=\"failed\"}"));

        // Once the pair matches, the next connection gets it.
        await tls.ServeAsync(next);
        var after = tls.Client();
        using (var api = after.Http(tls.ApiEndpoint))
        {
            await api.GetStringAsync("/healthz");
        }

        Assert.Equal(next.LoadPublic().Thumbprint, after.ServerThumbprint);
    }

    private static ByteArrayContent Protobuf(byte[] body) =>
        new(body) { Headers = { ContentType = new MediaTypeHeaderValue("application/x-protobuf") } };

    /// <summary>The request fails on the connection, or at worst gets 400; it is never served.</summary>
    private static async Task AssertRefusedAsync(Func<Task<HttpResponseMessage>> send)
    {
        try
        {
            using var response = await send();
            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        }
        catch (HttpRequestException)
        {
            // the connection was closed: refused
        }
    }
}
