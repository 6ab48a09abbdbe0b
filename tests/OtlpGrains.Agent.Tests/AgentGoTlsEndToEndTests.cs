using System.Net.Http.Json;
using System.Text.Json;
using OpenTelemetry.Proto.Trace.V1;
using OtlpGrains.Agent.Tls;
using Xunit;

namespace OtlpGrains.Agent.Tests;

/// <summary>
/// The whole agent over Go's crypto/tls: a Go HTTPS server and a Go client (one executable built here with Debian's
/// Go, HTTP/1.1 inside TLS) talk on loopback. The Go probes (on (*Conn).Write's entry and (*Conn).Read's entry and
/// RETs, attached by the rescan) deliver the plaintext, and the gateway shows the server's operations and the client
/// to server edge.
/// </summary>
public sealed class AgentGoTlsEndToEndTests
{
    [BpfFact]
    public async Task HttpsBetweenGoProgramsBecomesServerAndClientSpans()
    {
        await using var silo = await LocalSilo.StartAsync();
        await using var agent = TlsAgentRun.Start(silo);
        var peers = await HttpsPeers.StartAsync(agent.Capture, go: true);
        var pipeline = agent.Follow(peers.Port);
        bool serverSurvived;
        try
        {
            // The server's executable (the client is the same file under another name).
            Assert.Contains(await agent.WaitForAttachAsync(TlsLibraryKind.Go), l => l.EndsWith("/go-tls-peer/peer", StringComparison.Ordinal));

            using (var goClient = GatedProcess.Start(agent.Capture, await GoTlsPeer.ClientAsync(), "client", peers.Url("/hello"), peers.Url("/missing"), peers.Url("/hello")))
            {
                var printed = goClient.StandardOutput.ReadToEndAsync();
                await goClient.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(20));
                Assert.Equal(0, goClient.ExitCode);
                Assert.Equal("200\n404\n200\n", await printed);
            }

            await agent.WaitForSpansAsync(spans => spans.Count >= 6);

            // The RET uprobes leave the goroutine stacks alone: the server still runs after the requests.
            serverSurvived = !peers.Server.HasExited;
        }
        finally
        {
            peers.Dispose();
        }

        string described = await agent.StopAsync();
        Assert.True(serverSurvived);
        var queued = agent.Spans.ToArray();
        Assert.True(queued.Length == 6, described); // 3 server spans, 3 client spans: none from the handshakes
        Assert.Equal(0, pipeline.Tracker.Unrecognised);
        Assert.Equal(3, pipeline.Linked); // both ends on this node, matched by the socket's 4-tuple

        var server = queued.Where(s => s.Span.Kind == Span.Types.SpanKind.Server).ToArray();
        var client = queued.Where(s => s.Span.Kind == Span.Types.SpanKind.Client).ToArray();
        Assert.All(server, s => Assert.Equal("go-tls-server", s.Process.ServiceName));
        Assert.All(client, s => Assert.Equal("go-tls-client", s.Process.ServiceName));
        foreach (var side in new[] { server, client })
        {
            Assert.Equal(
                [("GET", "/hello", 200L), ("GET", "/hello", 200L), ("GET", "/missing", 404L)],
                side.Select(s => (AgentUnderTest.Attribute(s.Span, "http.request.method"), AgentUnderTest.Attribute(s.Span, "url.path"), TlsAgentRun.StatusCode(s.Span))).Order().ToArray());
            Assert.All(side, s => Assert.Equal("https", AgentUnderTest.Attribute(s.Span, "url.scheme")));
        }

        var services = await silo.EventuallyAsync("/api/v1/services", d => LocalSilo.Service(d, "go-tls-client")?.GetProperty("spans").GetInt64() == 3);
        Assert.Equal(3, LocalSilo.Service(services, "go-tls-server")?.GetProperty("requests").GetInt64());
        var detail = await silo.Api.GetFromJsonAsync<JsonElement>("/api/v1/services/go-tls-server");
        var operations = detail.GetProperty("operations").EnumerateArray().Select(o => (o.GetProperty("name").GetString(), o.GetProperty("requests").GetInt64())).Order().ToArray();
        Assert.Equal([("GET /hello", 2L), ("GET /missing", 1L)], operations);
        var graph = await silo.EventuallyAsync("/api/v1/graph", g => LocalSilo.Edge(g, "go-tls-client", "go-tls-server")?.GetProperty("calls").GetInt64() == 3);
        Assert.Equal(1, LocalSilo.Edge(graph, "go-tls-client", "go-tls-server")?.GetProperty("errors").GetInt64()); // the 404, an error for the client
    }
}
