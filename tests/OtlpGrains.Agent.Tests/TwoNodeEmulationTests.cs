using System.Diagnostics;
using System.Globalization;
using System.Net;
using OpenTelemetry.Proto.Common.V1;
using OpenTelemetry.Proto.Trace.V1;
using Xunit;
using Xunit.Abstractions;
using SpanKind = OpenTelemetry.Proto.Trace.V1.Span.Types.SpanKind;

namespace OtlpGrains.Agent.Tests;

/// <summary>
/// Two emulated nodes (<see cref="TwoNodeNetwork"/>): a gRPC server in node-b, a client in node-a calling it through a
/// Service's virtual IP that node-a's kube-proxy-like rules DNAT, and one agent per node following only its own
/// namespace, both exporting to one real silo. Each agent sees one half of every call.
/// </summary>
public sealed class TwoNodeEmulationTests(ITestOutputHelper output)
{
    private const int Calls = 30; // on one keep-alive HTTP/2 connection
    private const int ServicePort = 80;

    [TwoNodeFact]
    public async Task EachNodesAgentNamesItsHalfOfEveryCallByTheConnectionAsTheServerSeesIt()
    {
        await using var run = await RunAsync();
        var (network, target, nodeA, nodeB) = (run.Network, run.Target, run.NodeA, run.NodeB);
        output.WriteLine(AgentUnderTest.Describe(nodeA.Spans.Take(3).Concat(nodeB.Spans.Take(3))));

        // Each agent followed only its own node: the client's half in node-a, the server's in node-b.
        Assert.All(nodeA.Spans, s => Assert.Equal(("shop-client", SpanKind.Client), (s.Process.ServiceName, s.Span.Kind)));
        Assert.All(nodeB.Spans, s => Assert.Equal(("shop-server", SpanKind.Server), (s.Process.ServiceName, s.Span.Kind)));
        Assert.Equal(Calls, nodeA.Spans.Count);
        Assert.Equal(Calls, nodeB.Spans.Count);

        // The client saw the virtual IP; conntrack named the server's real address and the client as the server saw it.
        var clientKeys = new List<string>();
        foreach (var (_, span) in nodeA.Spans)
        {
            Assert.Equal(("tcp", "ipv4"), (Text(span, "network.transport"), Text(span, "network.type")));
            Assert.Equal((network.VirtualIp.ToString(), (long)ServicePort), (Text(span, "network.peer.address"), Int(span, "network.peer.port")));
            Assert.Equal(network.AddressA.ToString(), Text(span, "network.local.address"));
            Assert.Equal((network.AddressB.ToString(), (long)target), (Text(span, "otlpgrains.nat.peer.address"), Int(span, "otlpgrains.nat.peer.port")));
            Assert.Equal((Text(span, "network.local.address"), Int(span, "network.local.port")), (Text(span, "otlpgrains.nat.local.address"), Int(span, "otlpgrains.nat.local.port")));
            clientKeys.Add(Key(span, "otlpgrains.nat.local", "otlpgrains.nat.peer"));
        }

        // The server saw the client's own address (no translation on its node: no nat attributes).
        var serverKeys = new List<string>();
        foreach (var (_, span) in nodeB.Spans)
        {
            Assert.Equal((network.AddressA.ToString(), network.AddressB.ToString(), (long)target),
                (Text(span, "network.peer.address"), Text(span, "network.local.address"), Int(span, "network.local.port")));
            Assert.DoesNotContain(span.Attributes, a => a.Key.StartsWith("otlpgrains.nat.", StringComparison.Ordinal));
            serverKeys.Add(Key(span, "network.peer", "network.local"));
        }

        // The join key (client, server as the server's socket sees them) is the same on both halves, and the stream ids
        // of the one keep-alive connection pair them call by call.
        Assert.Single(clientKeys.Distinct());
        Assert.Equal(clientKeys.Distinct(), serverKeys.Distinct());
        var clientStreams = nodeA.Spans.Select(s => Int(s.Span, "otlpgrains.http2.stream_id")).Order().ToArray();
        Assert.Equal(Enumerable.Range(0, Calls).Select(i => 1L + (2 * i)), clientStreams);
        Assert.Equal(clientStreams, nodeB.Spans.Select(s => Int(s.Span, "otlpgrains.http2.stream_id")).Order());

        // One lookup per connection; node-b's table has no entry (nothing there asks for tracking).
        Assert.Equal((1L, 1L, 0L), (nodeA.Conntrack.Lookups, nodeA.Conntrack.Translated, nodeA.Conntrack.Failures));
        Assert.Equal((1L, 0L, 0L), (nodeB.Conntrack.Lookups, nodeB.Conntrack.Translated, nodeB.Conntrack.Failures));

        // Workload reports: the server's listening address in node-b, the client's source address (port 0) in node-a.
        // Sent within about a second of each process's first traffic, while it ran (the client calls for ~3 s).
        Assert.Contains(nodeB.Reports.SelectMany(r => r.Addresses), a => (a.Address, a.Port, a.ServiceName) == (network.AddressB.ToString(), (uint)target, "shop-server"));
        Assert.Contains(nodeA.Reports.SelectMany(r => r.Addresses), a => (a.Address, a.Port, a.ServiceName) == (network.AddressA.ToString(), 0u, "shop-client"));
        Assert.DoesNotContain(nodeA.Reports.SelectMany(r => r.Addresses), a => a.ServiceName == "shop-server" || a.Address == network.VirtualIp.ToString());
        Assert.All(new[] { nodeA, nodeB }, n => Assert.All(n.Reports, r => Assert.True(r.Complete && r.NodeId == n.NodeId)));
        Assert.All(new[] { nodeA, nodeB }, n => Assert.Equal(0, n.Reporter.Failed));
        Assert.All(new[] { nodeA, nodeB }, n => Assert.True(n.Reporter.Reports + n.Reporter.Unimplemented > 0));
        // A gateway without the directory is logged once, not per report.
        Assert.All(new[] { nodeA, nodeB }, n => Assert.True(n.Log.Count(l => l.Contains("does not serve", StringComparison.Ordinal)) <= 1));
    }

    /// <summary>
    /// The silo joins the halves (the grain side of issue 17): every server span becomes the child of its client span
    /// in the client's trace, the graph has the service edge and no address node, and the join counters match.
    /// </summary>
    [TwoNodeFact]
    public async Task TheSiloJoinsTheHalvesOfEveryCallIntoOneTraceAndAServiceEdge()
    {
        await using var run = await RunAsync();
        var (silo, network, nodeA, nodeB) = (run.Silo, run.Network, run.NodeA, run.NodeB);
        Assert.Equal((Calls, Calls), (nodeA.Spans.Count, nodeB.Spans.Count));

        // Every call's halves met (one connection, paired by stream id).
        var counters = await EventuallyCountersAsync(silo, c => c.Joined >= Calls);
        Assert.Equal(new JoinCounters(Calls, Calls, Calls), counters);

        // The kept traces (those with a failed call) span both nodes: the server span is the child of the client span.
        var servers = nodeB.Spans.ToDictionary(s => Int(s.Span, "otlpgrains.http2.stream_id"), s => s.Span);
        var failed = nodeA.Spans.Select(s => s.Span).Where(s => s.Status?.Code == Status.Types.StatusCode.Error).ToList();
        Assert.NotEmpty(failed);
        foreach (var client in failed)
        {
            var server = servers[Int(client, "otlpgrains.http2.stream_id")];
            var trace = await silo.EventuallyAsync($"/api/v1/traces/{Hex(client.TraceId)}", t => t.TryGetProperty("spans", out var spans) && spans.GetArrayLength() == 2, allowNotFound: true);
            var spans = trace.GetProperty("spans").EnumerateArray().ToDictionary(e => e.GetProperty("spanId").GetString()!);
            Assert.Equal(("shop-client", "shop-server"), (spans[Hex(client.SpanId)].GetProperty("service").GetString(), spans[Hex(server.SpanId)].GetProperty("service").GetString()));
            Assert.Equal(Hex(client.SpanId), spans[Hex(server.SpanId)].GetProperty("parentSpanId").GetString());
        }

        // The edge is service to service, with no address node for the virtual IP or the server's pod address.
        var graph = await silo.EventuallyAsync("/api/v1/graph", g => LocalSilo.Edge(g, "shop-client", "shop-server")?.GetProperty("calls").GetInt64() == Calls);
        Assert.Equal(Calls, LocalSilo.Edge(graph, "shop-client", "shop-server")?.GetProperty("calls").GetInt64());
        string[] addresses = [network.VirtualIp.ToString(), network.AddressA.ToString(), network.AddressB.ToString()];
        Assert.DoesNotContain(graph.GetProperty("nodes").EnumerateArray(), n => addresses.Any(a => n.GetProperty("name").GetString()!.StartsWith(a, StringComparison.Ordinal)));

        // The gateway served the workload reports.
        Assert.All(new[] { nodeA, nodeB }, n => Assert.True(n.Reporter.Reports > 0 && n.Reporter.Unimplemented == 0 && n.Reporter.Failed == 0));
    }

    /// <summary>
    /// HTTP/1.1 keep-alive: curl sends 30 requests on one connection through the virtual IP to a Python server in
    /// node-b. Without stream ids the halves pair in request order; every one joins, and the failed ones' kept traces
    /// hold both halves.
    /// </summary>
    [TwoNodeFact]
    public async Task Http1KeepAliveRequestsThroughTheVirtualIpJoinInOrder()
    {
        await using var run = await RunAsync(http1: true);
        var (silo, network, nodeA, nodeB) = (run.Silo, run.Network, run.NodeA, run.NodeB);
        Assert.All(nodeA.Spans, s => Assert.Equal(("shop-web-client", SpanKind.Client), (s.Process.ServiceName, s.Span.Kind)));
        Assert.All(nodeB.Spans, s => Assert.Equal(("shop-web", SpanKind.Server), (s.Process.ServiceName, s.Span.Kind)));
        Assert.Equal((Calls, Calls), (nodeA.Spans.Count, nodeB.Spans.Count));
        Assert.Single(nodeA.Spans.Select(s => Key(s.Span, "otlpgrains.nat.local", "otlpgrains.nat.peer")).Distinct());
        Assert.Equal(nodeA.Spans.Select(s => Key(s.Span, "otlpgrains.nat.local", "otlpgrains.nat.peer")).Distinct(), nodeB.Spans.Select(s => Key(s.Span, "network.peer", "network.local")).Distinct());
        Assert.DoesNotContain(nodeA.Spans, s => s.Span.Attributes.Any(a => a.Key == "otlpgrains.http2.stream_id"));

        Assert.Equal(new JoinCounters(Calls, Calls, Calls), await EventuallyCountersAsync(silo, c => c.Joined >= Calls));
        var servers = nodeB.Spans.ToDictionary(s => Text(s.Span, "url.path")!, s => s.Span);
        var failed = nodeA.Spans.Select(s => s.Span).Where(s => s.Status?.Code == Status.Types.StatusCode.Error).ToList();
        Assert.Equal(Calls / 6, failed.Count); // every 6th request answers 500
        foreach (var client in failed)
        {
            var server = servers[Text(client, "url.path")!];
            var trace = await silo.EventuallyAsync($"/api/v1/traces/{Hex(client.TraceId)}", t => t.TryGetProperty("spans", out var spans) && spans.GetArrayLength() == 2, allowNotFound: true);
            var spans = trace.GetProperty("spans").EnumerateArray().ToDictionary(e => e.GetProperty("spanId").GetString()!);
            Assert.Equal(Hex(client.SpanId), spans[Hex(server.SpanId)].GetProperty("parentSpanId").GetString());
        }

        var graph = await silo.EventuallyAsync("/api/v1/graph", g => LocalSilo.Edge(g, "shop-web-client", "shop-web")?.GetProperty("calls").GetInt64() == Calls);
        Assert.Equal(Calls, LocalSilo.Edge(graph, "shop-web-client", "shop-web")?.GetProperty("calls").GetInt64());
        Assert.Null(LocalSilo.Edge(graph, "shop-web-client", network.VirtualIp.ToString()));
    }

    // The silo, the two nodes and their agents; the calls made and the agents stopped (everything they saw is queued).
    private async Task<Emulation> RunAsync(bool http1 = false)
    {
        var silo = await LocalSilo.StartAsync();
        var target = LocalSilo.FreePort();
        TwoNodeNetwork? network = null;
        NodeAgent? nodeA = null, nodeB = null;
        try
        {
            network = TwoNodeNetwork.Create(ServicePort, target);
            nodeA = NodeAgent.Start(silo, network.PathA, "node-a");
            nodeB = NodeAgent.Start(silo, network.PathB, "node-b");
            await (http1 ? RunHttp1RequestsAsync(network, target) : RunCallsAsync(network, target));
            await WaitAsync(() => nodeA.Spans.Count >= Calls && nodeB.Spans.Count >= Calls);
            await nodeA.StopAsync();
            await nodeB.StopAsync();
            return new Emulation(silo, network, target, nodeA, nodeB);
        }
        catch
        {
            await Emulation.CleanUpAsync(silo, network, nodeA, nodeB);
            throw;
        }
    }

    // Starts the server in node-b and the client in node-a (through the virtual IP), and waits for the client's result.
    private async Task RunCallsAsync(TwoNodeNetwork network, int target)
    {
        using var server = Start(network.NodeB, "shop-server", "grpc-server", "--port", target.ToString(CultureInfo.InvariantCulture), "--bind", network.AddressB.ToString());
        try
        {
            Assert.Equal($"listening {target}", await server.StandardOutput.ReadLineAsync().WaitAsync(TimeSpan.FromSeconds(30)));
            using var client = Start(network.NodeA, "shop-client", "grpc-client", "--target", $"http://{network.VirtualIp}:{ServicePort}",
                "--calls", Calls.ToString(CultureInfo.InvariantCulture), "--pause-ms", "100");
            var result = await client.StandardOutput.ReadLineAsync().WaitAsync(TimeSpan.FromSeconds(60));
            output.WriteLine($"client: {result}");
            Assert.StartsWith("ok ", result, StringComparison.Ordinal);
            await client.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(20));
        }
        finally
        {
            server.Kill(entireProcessTree: true);
            await server.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(20));
        }
    }

    // A Python HTTP/1.1 server in node-b (keep-alive; every 6th path answers 500) and curl in node-a sending every
    // request on one connection through the virtual IP, 100 ms apart (so the workload reports see curl running); the
    // bodies ("ok") run into curl's status lines, which end in the connections it opened for each request.
    private static async Task RunHttp1RequestsAsync(TwoNodeNetwork network, int target)
    {
        const string Server = """
            import http.server, sys
            class Handler(http.server.BaseHTTPRequestHandler):
                protocol_version = "HTTP/1.1"
                def do_GET(self):
                    self.send_response(500 if int(self.path[1:]) % 6 == 0 else 200)
                    self.send_header("Content-Length", "2")
                    self.end_headers()
                    self.wfile.write(b"ok")
                def log_message(self, *args):
                    pass
            server = http.server.HTTPServer((sys.argv[1], int(sys.argv[2])), Handler)
            print("listening", flush=True)
            server.serve_forever()
            """;
        using var server = StartCommand(network.NodeB, "shop-web", "python3", "-c", Server, network.AddressB.ToString(), target.ToString(CultureInfo.InvariantCulture));
        try
        {
            Assert.Equal("listening", await server.StandardOutput.ReadLineAsync().WaitAsync(TimeSpan.FromSeconds(30)));
            string[] urls = [.. Enumerable.Range(1, Calls).Select(i => $"http://{network.VirtualIp}:{ServicePort}/{i}")];
            using var client = StartCommand(network.NodeA, "shop-web-client", ["curl", "-s", "--rate", "10/s", "-w", "%{http_code} %{num_connects}\n", .. urls]);
            var lines = (await client.StandardOutput.ReadToEndAsync().WaitAsync(TimeSpan.FromSeconds(60))).Split('\n', StringSplitOptions.RemoveEmptyEntries);
            await client.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(20));
            Assert.Equal(Calls, lines.Length);
            Assert.Equal(1, lines.Count(l => l.EndsWith(" 1", StringComparison.Ordinal))); // one connection, kept alive
        }
        finally
        {
            server.Kill(entireProcessTree: true);
            await server.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(20));
        }
    }

    // A peer in a node: ip netns exec NODE env OTEL_SERVICE_NAME=... dotnet Peers.dll ARGS (exec all the way, one pid).
    private static Process Start(string node, string service, params string[] arguments) =>
        StartCommand(node, service, ["dotnet", Peers.Assembly, .. arguments]);

    // A command in a node under its service name: ip netns exec NODE env OTEL_SERVICE_NAME=... COMMAND (one pid).
    private static Process StartCommand(string node, string service, params string[] command)
    {
        var start = new ProcessStartInfo("ip") { RedirectStandardOutput = true, UseShellExecute = false };
        foreach (var argument in TwoNodeNetwork.In(node, ["env", $"OTEL_SERVICE_NAME={service}", "DOTNET_CLI_TELEMETRY_OPTOUT=1", .. command]))
        {
            start.ArgumentList.Add(argument);
        }

        return Process.Start(start)!;
    }

    private static async Task WaitAsync(Func<bool> done)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (!done() && DateTime.UtcNow < deadline)
        {
            await Task.Delay(100);
        }
    }

    private static async Task<JoinCounters> EventuallyCountersAsync(LocalSilo silo, Func<JoinCounters, bool> done)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (true)
        {
            var text = await silo.Api.GetStringAsync(new Uri("/metrics", UriKind.Relative));
            var counters = new JoinCounters(
                Sample(text, "otlpgrains_grains_join_halves_total", "client"),
                Sample(text, "otlpgrains_grains_join_halves_total", "server"),
                Sample(text, "otlpgrains_grains_joined_requests_total", null));
            if (done(counters) || DateTime.UtcNow > deadline)
            {
                Assert.True(text.Contains("otlpgrains_grains_join_halves_total", StringComparison.Ordinal),
                    "the silo counted no join halves (otlpgrains_grains_join_halves_total missing on /metrics): its cross-node join, the grain side of issue 17 (branch h/join), is not merged");
                return counters;
            }

            await Task.Delay(200);
        }
    }

    // A counter on the silo's /metrics page (0 before its first increment), for one side when it has a side label.
    private static long Sample(string text, string name, string? side)
    {
        var line = text.Split('\n').FirstOrDefault(l => l.StartsWith(name, StringComparison.Ordinal)
            && l.Length > name.Length && l[name.Length] is ' ' or '{'
            && (side is null || l.Contains($"side=\"{side}\"", StringComparison.Ordinal)));
        return line is null ? 0 : (long)double.Parse(line[(line.LastIndexOf(' ') + 1)..], CultureInfo.InvariantCulture);
    }

    private static string Hex(Google.Protobuf.ByteString id) => Convert.ToHexStringLower(id.Span);

    private static AnyValue? Value(Span span, string key) => span.Attributes.FirstOrDefault(a => a.Key == key)?.Value;

    private static string? Text(Span span, string key) => Value(span, key)?.StringValue;

    private static long Int(Span span, string key) => Value(span, key)?.IntValue ?? -1;

    private static string Key(Span span, string client, string server) =>
        $"{Text(span, client + ".address")}:{Int(span, client + ".port")} -> {Text(span, server + ".address")}:{Int(span, server + ".port")}";

    private readonly record struct JoinCounters(long ClientHalves, long ServerHalves, long Joined);

    private sealed record Emulation(LocalSilo Silo, TwoNodeNetwork Network, int Target, NodeAgent NodeA, NodeAgent NodeB) : IAsyncDisposable
    {
        public ValueTask DisposeAsync() => CleanUpAsync(Silo, Network, NodeA, NodeB);

        // Agents first (they export to the silo), then the namespaces, then the silo; parts never made are skipped.
        public static async ValueTask CleanUpAsync(LocalSilo silo, TwoNodeNetwork? network, NodeAgent? nodeA, NodeAgent? nodeB)
        {
            foreach (var agent in new[] { nodeA, nodeB })
            {
                if (agent is not null)
                {
                    await agent.DisposeAsync();
                }
            }

            network?.Dispose();
            await silo.DisposeAsync();
        }
    }
}
