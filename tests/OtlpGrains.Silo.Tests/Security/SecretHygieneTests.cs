using System.Globalization;
using Grpc.Core;
using Grpc.Net.Client;
using OtlpGrains.Hosting;
using Xunit;

namespace OtlpGrains.Silo.Tests.Security;

/// <summary>
/// Keys never show: a silo process logging at Debug is sent a right key, a wrong key and a key without the role
/// on every listener, and neither its output nor <c>/metrics</c> holds any of them. A key pasted where its hash
/// belongs is refused at start without being echoed.
/// </summary>
public sealed class SecretHygieneTests
{
    [Fact]
    public async Task NoKeyAppearsInTheSilosOutputOrMetrics()
    {
        var right = SecuredSilo.Secret();
        var wrong = SecuredSilo.Secret();
        var reader = SecuredSilo.Secret();
        var settings = new Dictionary<string, string>
        {
            ["OtlpGrains__Security__Keys__0__Name"] = "collector",
            ["OtlpGrains__Security__Keys__0__Hash"] = SecuredSilo.Hash(right),
            ["OtlpGrains__Security__Keys__0__Roles__0"] = "ingest",
            ["OtlpGrains__Security__Keys__1__Name"] = "reader",
            ["OtlpGrains__Security__Keys__1__Hash"] = SecuredSilo.Hash(reader),
            ["OtlpGrains__Security__Keys__1__Roles__0"] = "read",
            ["Logging__LogLevel__Default"] = "Debug",
            ["Logging__LogLevel__Microsoft.AspNetCore.Hosting.Diagnostics"] = "Debug",
            ["Logging__LogLevel__Microsoft.AspNetCore.Server.Kestrel"] = "Debug",
            ["Logging__LogLevel__Microsoft.AspNetCore.Routing"] = "Debug",
        };
        await using var silo = SiloProcess.StartInMemory(LoopbackPorts.Take(5), settings);
        await silo.WaitReadyAsync(TimeSpan.FromSeconds(60));

        foreach (var key in new[] { right, wrong, reader })
        {
            using var channel = GrpcChannel.ForAddress(silo.GrpcEndpoint);
            var client = new OpenTelemetry.Proto.Collector.Trace.V1.TraceService.TraceServiceClient(channel);
            try
            {
                await client.ExportAsync(OneSpanRequests.Request("auth-hygiene"), new Metadata { { "authorization", $"Bearer {key}" } });
            }
            catch (RpcException)
            {
                // refused: the wrong and the reader's key
            }

            using var otlp = Client(silo.HttpPort, key);
            using (await otlp.PostAsync("/v1/traces", new ByteArrayContent([])))
            {
            }

            using var api = Client(silo.ApiPort, key);
            using (await api.GetAsync("/api/v1/services"))
            using (await api.PostAsync("/api/v1/models/hygiene/promote", new StringContent("{}")))
            {
            }
        }

        using var scraper = Client(silo.ApiPort, reader);
        var metrics = await scraper.GetStringAsync("/metrics");
        await silo.StopAsync(TimeSpan.FromSeconds(30));
        var output = silo.Output;

        Assert.Contains("Security   2 API keys (collector, reader)", output, StringComparison.Ordinal);
        Assert.Contains("otlpgrains_gateway_auth_refusals_total", metrics, StringComparison.Ordinal);
        foreach (var key in new[] { right, wrong, reader })
        {
            Assert.DoesNotContain(key, output, StringComparison.Ordinal);
            Assert.DoesNotContain(key, metrics, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task AKeyPastedAsItsHashIsRefusedWithoutBeingEchoed()
    {
        // A key of another shape than the hex of openssl rand -hex 32, which no check could tell from a hash.
        var key = Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32));

        var (exit, lines) = await SiloStartAttempt.RunAsync(
            "--OtlpGrains:Security:Keys:0:Name=pasted",
            $"--OtlpGrains:Security:Keys:0:Hash={key}",
            "--OtlpGrains:Security:Keys:0:Roles:0=ingest");

        Assert.Equal(HostRunner.ConfigurationError, exit);
        Assert.Contains(lines, l => l.Contains("OtlpGrains:Security:Keys:0:Hash of key 'pasted' must be 64 lowercase hex digits", StringComparison.Ordinal));
        Assert.All(lines, l => Assert.DoesNotContain(key, l, StringComparison.Ordinal));
    }

    private static HttpClient Client(int port, string key)
    {
        var client = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port.ToString(CultureInfo.InvariantCulture)}") };
        client.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", key);
        return client;
    }
}
