using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;
using OpenTelemetry;
using OpenTelemetry.Exporter;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;
using OtlpGrains.Hosting;
using Xunit;

namespace OtlpGrains.Silo.Tests.Federation;

/// <summary>
/// Two clusters that pull each other only every 60 s: a service new in one shows in the other's federated answer within
/// seconds, because the cluster that changed tells its peer (SummaryChanged), which pulls at once.
/// </summary>
public sealed class SummaryChangeTests
{
    private static readonly TimeSpan Interval = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task ANewServiceReachesThePeerLongBeforeItsNextScheduledPull()
    {
        int[] dPorts = LoopbackPorts.Take(5), ePorts = LoopbackPorts.Take(5);
        await using var d = SiloProcess.StartInMemory(dPorts, Settings("d", "e", ePorts[0]));
        await using var e = SiloProcess.StartInMemory(ePorts, Settings("e", "d", dPorts[0]));
        await Task.WhenAll(d.WaitReadyAsync(TimeSpan.FromSeconds(90)), e.WaitReadyAsync(TimeSpan.FromSeconds(90)));
        using var eApi = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{ePorts[2]}"), Timeout = TimeSpan.FromSeconds(20) };
        using var dApi = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{dPorts[2]}"), Timeout = TimeSpan.FromSeconds(20) };

        // Both have pulled each other once (at activation): the next scheduled pull is a minute away.
        await UntilAsync(eApi, body => Statuses(body).SequenceEqual(["e:ok", "d:ok"]), TimeSpan.FromSeconds(30));

        var service = "changed-" + Guid.NewGuid().ToString("N")[..8];
        Export(dPorts[0], service);
        var watch = Stopwatch.StartNew();
        var seen = await UntilAsync(eApi, body => Services(body).Contains(("d", service)), TimeSpan.FromSeconds(20));
        watch.Stop();

        Assert.True(seen, $"e did not list d's new service {service} within 20 s (its next pull of d is {Interval.TotalSeconds} s after the first)");
        var metrics = await dApi.GetStringAsync(new Uri("/metrics", UriKind.Relative));
        Assert.True(Security.SecuredSilo.Series(metrics, "otlpgrains_federation_calls_total", "peer=\"e\"", "call=\"changed\"", "status=\"ok\"") > 0, "d counted no notice to e");
        Assert.True(watch.Elapsed < Interval / 3, $"took {watch.Elapsed}");
    }

    private static Dictionary<string, string> Settings(string self, string peer, int peerGrpcPort) => new()
    {
        ["OtlpGrains__Cluster__ClusterId"] = $"chg-{self}-{Guid.NewGuid():N}"[..16],
        ["OtlpGrains__Cluster__ServiceId"] = $"chg-{self}",
        ["OtlpGrains__Federation__ClusterName"] = self,
        ["OtlpGrains__Federation__SummaryIntervalSeconds"] = Interval.TotalSeconds.ToString(CultureInfo.InvariantCulture),
        ["OtlpGrains__Federation__MaxBackoffSeconds"] = Interval.TotalSeconds.ToString(CultureInfo.InvariantCulture),
        ["OtlpGrains__Federation__Peers__0__Name"] = peer,
        ["OtlpGrains__Federation__Peers__0__Endpoint"] = $"http://127.0.0.1:{peerGrpcPort}",
        ["Logging__LogLevel__Default"] = "Warning",
    };

    private static async Task<bool> UntilAsync(HttpClient api, Func<JsonElement, bool> check, TimeSpan bound)
    {
        var deadline = DateTime.UtcNow + bound;
        while (DateTime.UtcNow < deadline)
        {
            var body = await api.GetFromJsonAsync<JsonElement>("/api/v1/federation/services");
            if (check(body))
            {
                return true;
            }

            await Task.Delay(200);
        }

        return false;
    }

    private static string[] Statuses(JsonElement body) =>
        [.. body.GetProperty("clusters").EnumerateArray().Select(c => $"{c.GetProperty("name").GetString()}:{c.GetProperty("status").GetString()}")];

    private static (string?, string?)[] Services(JsonElement body) =>
        [.. body.GetProperty("services").EnumerateArray().Select(s => (s.GetProperty("cluster").GetString(), s.GetProperty("name").GetString()))];

    private static void Export(int grpcPort, string service)
    {
        using var source = new ActivitySource(service);
        using var provider = Sdk.CreateTracerProviderBuilder()
            .SetResourceBuilder(ResourceBuilder.CreateEmpty().AddService(service))
            .AddSource(source.Name)
            .AddOtlpExporter(o =>
            {
                o.Protocol = OtlpExportProtocol.Grpc;
                o.Endpoint = new Uri($"http://127.0.0.1:{grpcPort}");
                o.TimeoutMilliseconds = 10_000;
            })
            .Build()!;
        using (source.StartActivity("GET /new", ActivityKind.Server, default(ActivityContext)))
        {
        }

        Assert.True(provider.ForceFlush(15_000), "the SDK could not export");
    }
}
