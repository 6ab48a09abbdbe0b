using System.Net.Http.Json;
using System.Text.Json;
using OtlpGrains.Hosting;
using OtlpGrains.TestSupport;
using Xunit;

namespace OtlpGrains.Silo.Tests.Federation;

/// <summary>
/// A peer behind mTLS: B's OTLP/gRPC port (where federation is served) requires client certificates from its CA. A
/// pulls B twice under two names: once with B's CA and a client certificate that CA signed (answers), once with B's CA
/// but no client certificate (refused at the handshake, and shown so).
/// </summary>
public sealed class FederationMutualTlsTests
{
    [Fact]
    public async Task APeerWithTheRightClientCertificateAnswersAndOneWithoutIsRefused()
    {
        using var ca = await OpensslTestCa.CreateTemporaryAsync("federation");
        var server = ca.IssueServer("b-server");
        var client = ca.IssueClient("a-client");
        var (portsA, portsB) = (LoopbackPorts.Take(5), LoopbackPorts.Take(5));

        await using var b = SiloProcess.StartInMemory(portsB, new Dictionary<string, string>
        {
            ["OtlpGrains__Cluster__ClusterId"] = "fed-mtls-b",
            ["OtlpGrains__Federation__ClusterName"] = "b",
            ["OtlpGrains__Tls__CertificatePath"] = server.CertificatePath,
            ["OtlpGrains__Tls__KeyPath"] = server.KeyPath,
            ["OtlpGrains__Tls__ClientCaPath"] = ca.CertificatePath,
            ["OtlpGrains__Tls__Api"] = "false", // the test reads B's readiness in cleartext
        });
        await using var a = SiloProcess.StartInMemory(portsA, new Dictionary<string, string>
        {
            ["OtlpGrains__Cluster__ClusterId"] = "fed-mtls-a",
            ["OtlpGrains__Federation__ClusterName"] = "a",
            ["OtlpGrains__Federation__SummaryIntervalSeconds"] = "0.5",
            ["OtlpGrains__Federation__MaxBackoffSeconds"] = "2",
            ["OtlpGrains__Federation__Peers__0__Name"] = "b",
            ["OtlpGrains__Federation__Peers__0__Endpoint"] = $"https://localhost:{portsB[0]}",
            ["OtlpGrains__Federation__Peers__0__CaFile"] = ca.CertificatePath,
            ["OtlpGrains__Federation__Peers__0__CertificateFile"] = client.CertificatePath,
            ["OtlpGrains__Federation__Peers__0__KeyFile"] = client.KeyPath,
            ["OtlpGrains__Federation__Peers__1__Name"] = "b-without-certificate",
            ["OtlpGrains__Federation__Peers__1__Endpoint"] = $"https://localhost:{portsB[0]}",
            ["OtlpGrains__Federation__Peers__1__CaFile"] = ca.CertificatePath,
        });
        await Task.WhenAll(a.WaitReadyAsync(TimeSpan.FromSeconds(90)), b.WaitReadyAsync(TimeSpan.FromSeconds(90)));

        using var http = new HttpClient { BaseAddress = a.ApiEndpoint, Timeout = TimeSpan.FromSeconds(20) };
        var deadline = DateTime.UtcNow.AddSeconds(45);
        Dictionary<string, (string? Status, string? Detail)> clusters;
        do
        {
            var body = await http.GetFromJsonAsync<JsonElement>("/api/v1/federation/services");
            clusters = body.GetProperty("clusters").EnumerateArray().ToDictionary(
                c => c.GetProperty("name").GetString()!,
                c => (c.GetProperty("status").GetString(), c.GetProperty("detail").GetString()));
            if (clusters["b"].Status == "ok" && clusters["b-without-certificate"].Status == "refused")
            {
                break;
            }

            await Task.Delay(250);
        }
        while (DateTime.UtcNow < deadline);

        Assert.Equal("ok", clusters["b"].Status);
        Assert.True(clusters["b-without-certificate"].Status == "refused", $"without a client certificate: {clusters["b-without-certificate"]}\n{b.Output}");
        Assert.StartsWith("the TLS connection was refused", clusters["b-without-certificate"].Detail, StringComparison.Ordinal);
    }
}
