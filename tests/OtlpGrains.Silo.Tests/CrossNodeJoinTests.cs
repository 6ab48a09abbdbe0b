using System.Globalization;
using System.Net;
using System.Text.Json;
using Grpc.Core;
using Grpc.Net.Client;
using OpenTelemetry.Proto.Collector.Trace.V1;
using OtlpGrains.Agent.V1;
using Xunit;
using static OtlpGrains.Silo.Tests.AgentSpans;
using static OtlpGrains.Silo.Tests.GraphJson;
using Span = OpenTelemetry.Proto.Trace.V1.Span;
using SpanKind = OpenTelemetry.Proto.Trace.V1.Span.Types.SpanKind;

namespace OtlpGrains.Silo.Tests;

/// <summary>
/// The halves of requests that two node agents saw (the client's node through a Service's virtual IP, the server's
/// node on the pod IP), exported through the real OTLP/gRPC path as two nodes would: joined into one trace and one
/// service-to-service edge; left alone, with their peer address, when the other half never comes; and the workload
/// directory's reports naming an address in the graph.
/// </summary>
[Collection(SiloCollection.Name)]
public sealed class CrossNodeJoinTests(SiloFixture silo) : IDisposable
{
    private const long Ms = 1_000_000;

    private readonly GrpcChannel _channel = GrpcChannel.ForAddress(silo.GrpcEndpoint);
    private readonly string _run = Guid.NewGuid().ToString("N")[..8];

    // Addresses of this test run alone: other tests of the collection share the silo and its counters.
    private readonly int _octet = Random.Shared.Next(1, 250);

    public void Dispose() => _channel.Dispose();

    [Fact]
    public async Task HalvesFromTwoNodesJoinIntoOneTraceAndAServiceEdge()
    {
        string frontend = $"frontend-{_run}", orders = $"orders-{_run}";
        string clientPod = $"10.244.1.{_octet}", serverPod = $"10.244.2.{_octet}", virtualIp = $"10.96.0.{_octet}";
        var before = await CountersAsync();

        ulong now = NowNanos();
        var client = Span(SpanKind.Client, "GET", now - (50 * Ms), now)
            .On(clientPod, 40312, virtualIp, 80)
            .Translated(clientPod, 40312, serverPod, 8080);
        var server = Span(SpanKind.Server, "GET /orders", now - (45 * Ms), now - (5 * Ms))
            .On(serverPod, 8080, clientPod, 40312)
            .Failed();
        var query = Span(SpanKind.Client, "SELECT", now - (40 * Ms), now - (20 * Ms), server.TraceId, server.SpanId);
        await ExportAsync(Request(frontend, "node-a", client));
        await ExportAsync(Request(orders, "node-b", server, query));

        string clientTrace = Hex(client.TraceId);
        var trace = await SiloFixture.EventuallyAsync(() => TraceAsync(clientTrace), t => t?.GetProperty("spans").GetArrayLength() == 3);
        Assert.NotNull(trace);
        var spans = trace.Value.GetProperty("spans").EnumerateArray().ToDictionary(s => s.GetProperty("spanId").GetString()!);
        Assert.Equal(Hex(client.SpanId), spans[Hex(server.SpanId)].GetProperty("parentSpanId").GetString());
        Assert.Equal(Hex(server.SpanId), spans[Hex(query.SpanId)].GetProperty("parentSpanId").GetString());
        Assert.Equal(orders, spans[Hex(server.SpanId)].GetProperty("service").GetString());
        Assert.Equal(0, trace.Value.GetProperty("orphans").GetInt32());
        Assert.Null(await TraceAsync(Hex(server.TraceId)));

        var graph = await SiloFixture.EventuallyAsync(GraphAsync, g => Edge(g, frontend, orders) is not null);
        Assert.Equal(1, Edge(graph, frontend, orders)!.Value.GetProperty("calls").GetInt64());
        Assert.Null(Edge(graph, frontend, virtualIp));
        Assert.DoesNotContain(graph.GetProperty("nodes").EnumerateArray(), n => n.GetProperty("name").GetString() == virtualIp);

        var after = await CountersAsync();
        Assert.Equal(1, after.ClientHalves - before.ClientHalves);
        Assert.Equal(1, after.ServerHalves - before.ServerHalves);
        Assert.Equal(1, after.Joined - before.Joined);
    }

    [Fact]
    public async Task AHalfThatNeverMeetsItsOtherExpiresAndKeepsItsPeerAddress()
    {
        string frontend = $"lonely-{_run}", virtualIp = $"10.97.0.{_octet}";
        var before = await CountersAsync();

        ulong now = NowNanos();
        var client = Span(SpanKind.Client, "GET", now - (30 * Ms), now).On($"10.244.3.{_octet}", 51000, virtualIp, 80).Failed();
        await ExportAsync(Request(frontend, "node-a", client));

        var graph = await SiloFixture.EventuallyAsync(GraphAsync, g => Edge(g, frontend, virtualIp) is not null);
        Assert.True(Edge(graph, frontend, virtualIp)!.Value.GetProperty("virtual").GetBoolean());
        var trace = await SiloFixture.EventuallyAsync(() => TraceAsync(Hex(client.TraceId)), t => t is not null);
        Assert.Equal(1, trace!.Value.GetProperty("spans").GetArrayLength());

        var after = await SiloFixture.EventuallyAsync(CountersAsync, c => c.ExpiredClients > before.ExpiredClients);
        Assert.Equal(1, after.ExpiredClients - before.ExpiredClients);
        Assert.Equal(0, after.Joined - before.Joined);
    }

    [Fact]
    public async Task AWorkloadReportNamesAnAddressInTheGraph()
    {
        string frontend = $"caller-{_run}", inventory = $"inventory-{_run}";
        string podIp = $"10.244.4.{_octet}", laterIp = $"10.244.5.{_octet}";
        var workloads = new OtlpGrains.Agent.V1.Workloads.WorkloadsClient(_channel);
        ulong started = NowNanos() - (3600 * 1000 * Ms);

        var refused = await Assert.ThrowsAsync<RpcException>(() => workloads.ReportAsync(new WorkloadReport { Complete = true }).ResponseAsync);
        Assert.Equal(StatusCode.InvalidArgument, refused.StatusCode);

        var reply = await workloads.ReportAsync(new WorkloadReport
        {
            NodeId = $"node-{_run}",
            ObservedTimeUnixNano = NowNanos(),
            Complete = true,
            Addresses =
            {
                new WorkloadAddress { Address = podIp, ServiceName = inventory, ServiceNamespace = "shop", ProcessStartTimeUnixNano = started },
                new WorkloadAddress { Address = "not-an-ip", ServiceName = inventory, ProcessStartTimeUnixNano = started },
            },
        });
        Assert.Equal((1u, 1u), (reply.Accepted, reply.Rejected));
        Assert.Equal("'not-an-ip' is not an IPv4 or IPv6 address", reply.ErrorMessage);

        // Named when the edge is recorded (the silo's copy has the name): the service's own downstream says so.
        var entries = await SiloFixture.EventuallyAsync(
            async () => Sample(await silo.Api.GetStringAsync(new Uri("/metrics", UriKind.Relative)), "otlpgrains_grains_workload_directory_entries", null),
            n => n > 0);
        Assert.True(entries > 0);
        ulong now = NowNanos();
        await ExportAsync(Request(frontend, "node-a", Span(SpanKind.Client, "GET", now - (10 * Ms), now).Calling(podIp).Failed()));
        var graph = await SiloFixture.EventuallyAsync(GraphAsync, g => Edge(g, frontend, $"shop/{inventory}") is not null);
        Assert.False(Edge(graph, frontend, $"shop/{inventory}")!.Value.GetProperty("virtual").GetBoolean());
        Assert.DoesNotContain(graph.GetProperty("nodes").EnumerateArray(), n => n.GetProperty("name").GetString() == podIp);
        var detail = JsonDocument.Parse(await silo.Api.GetStringAsync(new Uri($"/api/v1/services/{frontend}", UriKind.Relative))).RootElement;
        Assert.Contains(detail.GetProperty("downstream").EnumerateArray(), d => d.GetProperty("server").GetString() == $"shop/{inventory}");

        // Named at query time: an edge to an address recorded before any agent named it is shown by the name once one does.
        now = NowNanos();
        await ExportAsync(Request(frontend, "node-a", Span(SpanKind.Client, "GET", now - (10 * Ms), now).Calling(laterIp).Failed()));
        await SiloFixture.EventuallyAsync(GraphAsync, g => Edge(g, frontend, laterIp) is not null);
        await workloads.ReportAsync(new WorkloadReport
        {
            NodeId = $"node-{_run}",
            Addresses = { new WorkloadAddress { Address = laterIp, Port = 8080, ServiceName = "late-named", ProcessStartTimeUnixNano = started } },
        });
        graph = await GraphAsync();
        Assert.Null(Edge(graph, frontend, laterIp));
        Assert.NotNull(Edge(graph, frontend, "late-named"));
    }

    private async Task ExportAsync(ExportTraceServiceRequest request)
    {
        var reply = await new TraceService.TraceServiceClient(_channel).ExportAsync(request);
        Assert.Null(reply.PartialSuccess);
    }

    private async Task<JsonElement?> TraceAsync(string traceId)
    {
        using var response = await silo.Api.GetAsync(new Uri($"/api/v1/traces/{traceId}", UriKind.Relative));
        return response.StatusCode == HttpStatusCode.OK ? JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.Clone() : null;
    }

    private async Task<JsonElement> GraphAsync() =>
        JsonDocument.Parse(await silo.Api.GetStringAsync(new Uri("/api/v1/graph", UriKind.Relative))).RootElement.Clone();

    private async Task<JoinCounters> CountersAsync()
    {
        var text = await silo.Api.GetStringAsync(new Uri("/metrics", UriKind.Relative));
        return new JoinCounters(
            Sample(text, "otlpgrains_grains_join_halves_total", "client"),
            Sample(text, "otlpgrains_grains_join_halves_total", "server"),
            Sample(text, "otlpgrains_grains_joined_requests_total", null),
            Sample(text, "otlpgrains_grains_join_expired_halves_total", "client"));
    }

    // A counter's value on the silo's /metrics page, for one side when it has a side label.
    private static long Sample(string text, string name, string? side)
    {
        var line = text.Split('\n').Single(l => l.StartsWith(name, StringComparison.Ordinal)
            && (l.Length > name.Length && l[name.Length] is ' ' or '{')
            && (side is null || l.Contains($"side=\"{side}\"", StringComparison.Ordinal)));
        return (long)double.Parse(line[(line.LastIndexOf(' ') + 1)..], CultureInfo.InvariantCulture);
    }

    private static string Hex(Google.Protobuf.ByteString id) => Convert.ToHexStringLower(id.Span);

    private readonly record struct JoinCounters(long ClientHalves, long ServerHalves, long Joined, long ExpiredClients);
}
