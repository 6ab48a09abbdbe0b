using System.Net;
using OpenTelemetry.Exporter;
using OtlpGrains.TestSupport;
using Xunit;

namespace OtlpGrains.Silo.Tests;

/// <summary>
/// Mutual TLS: a client certificate from the configured CA is admitted on every listener; none, one from another CA
/// and an expired one are refused at the handshake, each counted by its reason.
/// </summary>
[Collection(MutualTlsSiloCollection.Name)]
public sealed class MutualTlsTests(MutualTlsSiloFixture tls)
{
    private const int Spans = 9;

    public enum Presented
    {
        None,
        OtherCa,
        Expired,
    }

    [Theory]
    [InlineData(OtlpExportProtocol.Grpc)]
    [InlineData(OtlpExportProtocol.HttpProtobuf)]
    public async Task GoodClientCertificateIsAdmitted(OtlpExportProtocol protocol)
    {
        var client = tls.Client(tls.Ca.IssueClient($"client-{Guid.NewGuid():N}"[..15]).Load());
        var service = $"mtls-{protocol}-{Guid.NewGuid():N}"[..24];

        SdkTraceExport.Run(service, Spans, protocol, protocol == OtlpExportProtocol.Grpc ? tls.GrpcEndpoint : tls.HttpEndpoint, () => client.Http());

        Assert.Equal(Spans, await SiloFixture.EventuallyAsync(() => tls.SpansAsync(client, service), s => s == Spans));
        using var api = client.Http(tls.ApiEndpoint);
        Assert.Equal("ok\n", await api.GetStringAsync("/healthz"));
    }

    [Theory]
    [InlineData(Presented.None, "missing")]
    [InlineData(Presented.OtherCa, "untrusted")]
    [InlineData(Presented.Expired, "expired")]
    public async Task BadClientCertificateIsRefusedOnEveryListener(Presented presented, string reason)
    {
        var admitted = tls.Client(tls.Ca.IssueClient($"client-{Guid.NewGuid():N}"[..15]).Load());
        var series = $"otlpgrains_gateway_tls_client_certificates_refused_total{{reason=\"{reason}\"}}";
        var refusedBefore = await tls.MetricAsync(admitted, series);
        var client = tls.Client(presented switch
        {
            Presented.OtherCa => OpensslTestCa.Create(Path.Combine(tls.Folder, $"other-{Guid.NewGuid():N}"), "other").IssueClient("intruder").Load(),
            Presented.Expired => tls.Ca.IssueExpiredClient($"expired-{Guid.NewGuid():N}"[..16]).Load(),
            _ => null,
        });
        var service = $"refused-{Guid.NewGuid():N}"[..24];

        using (var api = client.Http(tls.ApiEndpoint))
        {
            await Assert.ThrowsAsync<HttpRequestException>(() => api.GetAsync("/healthz"));
        }

        using (var otlp = client.Http(tls.HttpEndpoint))
        {
            await Assert.ThrowsAsync<HttpRequestException>(() => otlp.PostAsync("/v1/traces", new ByteArrayContent([])));
        }

        using (var grpc = client.Http(tls.GrpcEndpoint))
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, "/opentelemetry.proto.collector.trace.v1.TraceService/Export")
            {
                Version = HttpVersion.Version20,
                VersionPolicy = HttpVersionPolicy.RequestVersionExact,
                Content = new ByteArrayContent([0, 0, 0, 0, 0]),
            };
            await Assert.ThrowsAsync<HttpRequestException>(() => grpc.SendAsync(request));
        }

        // The SDK's export with that certificate is not ingested either.
        SdkTraceExport.Run(service, Spans, OtlpExportProtocol.Grpc, tls.GrpcEndpoint, () => client.Http());
        Assert.Equal(0, await tls.SpansAsync(admitted, service));
        Assert.True(await tls.MetricAsync(admitted, series) >= refusedBefore + 3, $"{series} did not count the three refusals");
    }
}
