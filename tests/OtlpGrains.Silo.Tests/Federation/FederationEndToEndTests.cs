using System.Diagnostics;
using System.Text.Json;
using Grpc.Core;
using Grpc.Net.Client;
using OpenTelemetry;
using OpenTelemetry.Exporter;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;
using OtlpGrains.Federation.V1;
using Xunit;
using StatusCode = Grpc.Core.StatusCode;

namespace OtlpGrains.Silo.Tests.Federation;

/// <summary>
/// Two clusters, each the other's peer, fed by the OpenTelemetry .NET SDK: federated services and traces answer whole
/// from either side; with B down, A's answers come back within the peer deadline marked partial with B's status, and
/// whole again once B is back; a peer presenting a wrong key is refused and shown so.
/// </summary>
[Collection(FederatedClustersCollection.Name)]
public sealed class FederationEndToEndTests(FederatedClusters clusters)
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(45);

    /// <summary>How a killed peer may show in a live call: refused connections, or a connect that hangs to the deadline.</summary>
    private static readonly string[] PeerDown = ["unavailable", "timeout"];

    /// <summary>What a federated answer may take beyond the peer deadline: scheduling on two shared cores.</summary>
    private static readonly TimeSpan Slack = TimeSpan.FromSeconds(3);

    [Fact]
    public async Task FederatedServicesFromEitherSideListBothClustersServices()
    {
        var id = Guid.NewGuid().ToString("N")[..8];
        Export(clusters.A, $"fed-svc-a-{id}");
        Export(clusters.B, $"fed-svc-b-{id}");

        foreach (var side in new[] { clusters.A, clusters.B })
        {
            var answer = await EventuallyAsync(
                () => side.GetAsync("/api/v1/federation/services"),
                a => ClusterOf(a.Body, $"fed-svc-a-{id}") is not null && ClusterOf(a.Body, $"fed-svc-b-{id}") is not null);

            Assert.Equal(200, answer.Status);
            Assert.Equal("a", ClusterOf(answer.Body, $"fed-svc-a-{id}"));
            Assert.Equal("b", ClusterOf(answer.Body, $"fed-svc-b-{id}"));
            Assert.False(answer.Body.GetProperty("partial").GetBoolean(), answer.Body.ToString());
            Assert.Equal(["a:ok", "b:ok"], Statuses(answer.Body).Order(StringComparer.Ordinal));
        }

        // What federation costs shows on /metrics: A's pulls of B and the bytes they brought.
        using var reader = clusters.A.Api();
        var metrics = await reader.GetStringAsync(new Uri("/metrics", UriKind.Relative));
        Assert.True(OtlpGrains.Silo.Tests.Security.SecuredSilo.Series(metrics, "otlpgrains_federation_pulls_total", "peer=\"b\"", "status=\"ok\"") > 0, "no successful pull of b counted");
        Assert.True(OtlpGrains.Silo.Tests.Security.SecuredSilo.Series(metrics, "otlpgrains_federation_pulled_bytes_total", "peer=\"b\"") > 0, "no summary bytes from b counted");
    }

    [Fact]
    public async Task ATraceHalfInEachClusterIsReturnedWholeFromEitherSide()
    {
        var id = Guid.NewGuid().ToString("N")[..8];
        var traceId = ExportCrossingTrace($"fed-front-{id}", $"fed-pay-{id}");

        foreach (var side in new[] { clusters.A, clusters.B })
        {
            var answer = await EventuallyAsync(
                () => side.GetAsync($"/api/v1/traces/{traceId}?federated=true"),
                a => a.Status == 200 && a.Body.GetProperty("spans").GetArrayLength() == 3);

            Assert.Equal(200, answer.Status);
            Assert.False(answer.Body.GetProperty("partial").GetBoolean(), answer.Body.ToString());
            var spans = answer.Body.GetProperty("spans").EnumerateArray().ToArray();
            Assert.Equal(
                [($"fed-front-{id}", "SERVER", "a"), ($"fed-front-{id}", "CLIENT", "a"), ($"fed-pay-{id}", "SERVER", "b")],
                spans.Select(s => (s.GetProperty("service").GetString(), s.GetProperty("kind").GetString(), s.GetProperty("cluster").GetString())));
            Assert.Equal(spans[1].GetProperty("spanId").GetString(), spans[2].GetProperty("parentSpanId").GetString());
            Assert.Equal(0, answer.Body.GetProperty("orphans").GetInt32());
            Assert.Equal(3, answer.Body.GetProperty("criticalPath").GetArrayLength());
        }

        // Without federated=true each side has only its own half.
        var local = await clusters.B.GetAsync($"/api/v1/traces/{traceId}");
        Assert.Equal(1, local.Body.GetProperty("spans").GetArrayLength());
    }

    [Fact]
    public async Task WithBDownAAnswersWithinTheDeadlineMarkedPartialAndWholeOnceBIsBack()
    {
        var id = Guid.NewGuid().ToString("N")[..8];
        var traceId = ExportCrossingTrace($"fed-down-front-{id}", $"fed-down-pay-{id}");
        await EventuallyAsync(() => clusters.A.GetAsync($"/api/v1/traces/{traceId}?federated=true"), a => a.Status == 200 && a.Body.GetProperty("spans").GetArrayLength() == 3);

        await clusters.KillBAsync();
        try
        {
            var services = await EventuallyAsync(() => clusters.A.GetAsync("/api/v1/federation/services"), a => a.Body.GetProperty("partial").GetBoolean());
            Assert.True(services.Body.GetProperty("partial").GetBoolean(), services.Body.ToString());
            Assert.Contains("b:unavailable", Statuses(services.Body));
            Assert.False(string.IsNullOrEmpty(Cluster(services.Body, "b").GetProperty("detail").GetString()));
            Assert.All(services.Body.GetProperty("services").EnumerateArray(), s => Assert.Equal("a", s.GetProperty("cluster").GetString()));
            Assert.True(services.Took < FederatedClusters.PeerTimeout + Slack, $"took {services.Took}");

            var incidents = await clusters.A.GetAsync("/api/v1/federation/incidents");
            Assert.True(incidents.Body.GetProperty("partial").GetBoolean());

            // Live: A asks B and does not wait past the deadline; A's own half still comes back.
            var trace = await clusters.A.GetAsync($"/api/v1/traces/{traceId}?federated=true");
            Assert.True(trace.Took < FederatedClusters.PeerTimeout + Slack, $"took {trace.Took}");
            Assert.Equal(200, trace.Status);
            Assert.True(trace.Body.GetProperty("partial").GetBoolean());
            Assert.Contains(Cluster(trace.Body, "b").GetProperty("status").GetString(), PeerDown);
            Assert.Equal(2, trace.Body.GetProperty("spans").GetArrayLength());
        }
        finally
        {
            await clusters.RestartBAsync();
        }

        var back = await EventuallyAsync(() => clusters.A.GetAsync("/api/v1/federation/services"), a => !a.Body.GetProperty("partial").GetBoolean());
        Assert.False(back.Body.GetProperty("partial").GetBoolean(), back.Body.ToString());
        Assert.Equal(["a:ok", "b:ok"], Statuses(back.Body).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task AHungPeerTimesOutAtTheDeadlineAndAnswersAgainOnceItRunsOn()
    {
        var id = Guid.NewGuid().ToString("N")[..8];
        var traceId = ExportCrossingTrace($"fed-hung-front-{id}", $"fed-hung-pay-{id}");
        await EventuallyAsync(() => clusters.A.GetAsync($"/api/v1/traces/{traceId}?federated=true"), a => a.Status == 200 && a.Body.GetProperty("spans").GetArrayLength() == 3);

        await clusters.FreezeBAsync(true);
        try
        {
            var trace = await clusters.A.GetAsync($"/api/v1/traces/{traceId}?federated=true");
            Assert.True(trace.Took >= FederatedClusters.PeerTimeout - TimeSpan.FromMilliseconds(200), $"took {trace.Took}: B cannot have answered");
            Assert.True(trace.Took < FederatedClusters.PeerTimeout + Slack, $"took {trace.Took}");
            Assert.Equal("timeout", Cluster(trace.Body, "b").GetProperty("status").GetString());
            Assert.Equal("DeadlineExceeded: no answer within 2 s", Cluster(trace.Body, "b").GetProperty("detail").GetString());
            Assert.True(trace.Body.GetProperty("partial").GetBoolean());
            Assert.Equal(2, trace.Body.GetProperty("spans").GetArrayLength());

            var services = await EventuallyAsync(() => clusters.A.GetAsync("/api/v1/federation/services"), a => Statuses(a.Body).Contains("b:timeout"));
            Assert.Contains("b:timeout", Statuses(services.Body));
            Assert.True(services.Body.GetProperty("partial").GetBoolean());
            Assert.True(Cluster(services.Body, "b").GetProperty("ageSeconds").GetDouble() > 0);
        }
        finally
        {
            await clusters.FreezeBAsync(false);
        }

        var back = await EventuallyAsync(() => clusters.A.GetAsync("/api/v1/federation/services"), a => !a.Body.GetProperty("partial").GetBoolean());
        Assert.False(back.Body.GetProperty("partial").GetBoolean(), back.Body.ToString());
    }

    [Fact]
    public async Task APeerPresentingAWrongKeyIsRefusedAndShownRefused()
    {
        using (var channel = GrpcChannel.ForAddress(clusters.B.OtlpGrpc))
        {
            var client = new OtlpGrains.Federation.V1.Federation.FederationClient(channel);
            var unknown = await Assert.ThrowsAsync<RpcException>(() => client.GetSummaryAsync(new GetSummaryRequest(), Key(SecuredSiloSecret())).ResponseAsync);
            Assert.Equal(StatusCode.Unauthenticated, unknown.StatusCode);
            var ingestOnly = await Assert.ThrowsAsync<RpcException>(() => client.GetSummaryAsync(new GetSummaryRequest(), Key(clusters.B.Secrets["collector"])).ResponseAsync);
            Assert.Equal(StatusCode.PermissionDenied, ingestOnly.StatusCode);
            var summary = await client.GetSummaryAsync(new GetSummaryRequest(), Key(clusters.B.Secrets["peer"]), DateTime.UtcNow.AddSeconds(20));
            Assert.Equal("b", summary.Cluster);
        }

        var (silo, c) = await clusters.StartCAsync(SecuredSiloSecret());
        await using (silo)
        {
            var answer = await EventuallyAsync(() => c.GetAsync("/api/v1/federation/services", anonymous: true), a => Statuses(a.Body).Contains("b:refused"));

            Assert.True(answer.Body.GetProperty("partial").GetBoolean());
            Assert.Contains("b:refused", Statuses(answer.Body));
            Assert.Contains("Unauthenticated", Cluster(answer.Body, "b").GetProperty("detail").GetString(), StringComparison.Ordinal);
        }
    }

    private static Metadata Key(string secret) => new() { { "authorization", "Bearer " + secret } };

    private static string SecuredSiloSecret() => OtlpGrains.Silo.Tests.Security.SecuredSilo.Secret();

    private static string[] Statuses(JsonElement body) => FederationProbe.Statuses(body);

    private static JsonElement Cluster(JsonElement body, string name) => FederationProbe.Cluster(body, name);

    private static string? ClusterOf(JsonElement body, string service) => FederationProbe.ClusterOf(body, service);

    private static Task<(int Status, JsonElement Body, TimeSpan Took)> EventuallyAsync(
        Func<Task<(int Status, JsonElement Body, TimeSpan Took)>> read, Func<(int Status, JsonElement Body, TimeSpan Took), bool> check) =>
        FederationProbe.EventuallyAsync(read, check, Bound);

    private static void Export(FederatedClusters.Cluster cluster, string service) => FederationProbe.Export(cluster, service);

    /// <summary>
    /// A request that crosses the clusters: <paramref name="front"/> in A serves it and calls <paramref name="back"/>, whose
    /// server span goes to B (its own SDK, its own exporter). Returns the trace id.
    /// </summary>
    private string ExportCrossingTrace(string front, string back)
    {
        using var frontSource = new ActivitySource(front);
        using var backSource = new ActivitySource(back);
        using var frontProvider = FederationProbe.Provider(clusters.A, front, frontSource.Name);
        using var backProvider = FederationProbe.Provider(clusters.B, back, backSource.Name);
        string traceId;
        using (var root = frontSource.StartActivity("GET /checkout", ActivityKind.Server, default(ActivityContext))!)
        {
            traceId = root.TraceId.ToHexString();
            using var call = frontSource.StartActivity("POST /pay", ActivityKind.Client)!;
            using var server = backSource.StartActivity("POST /pay", ActivityKind.Server, call.Context);
        }

        Assert.True(frontProvider.ForceFlush(15_000) && backProvider.ForceFlush(15_000), "the SDKs could not export the crossing trace");
        return traceId;
    }
}
