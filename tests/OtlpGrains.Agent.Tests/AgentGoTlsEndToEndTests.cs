using System.Collections.Concurrent;
using System.Net.Http.Json;
using System.Text.Json;
using OpenTelemetry.Proto.Trace.V1;
using OtlpGrains.Agent.Capture;
using OtlpGrains.Agent.Export;
using OtlpGrains.Agent.Processes;
using OtlpGrains.Agent.Tls;
using OtlpGrains.Agent.Tracking;
using Xunit;

namespace OtlpGrains.Agent.Tests;

/// <summary>
/// The whole agent over Go's crypto/tls: a Go HTTPS server and a Go client (one executable built here with Debian's
/// Go, HTTP/1.1 inside TLS) talk on loopback. The Go probes (entry and RET uprobes on (*Conn).Write and Read, found
/// by the rescan) deliver the plaintext, and the gateway shows the server's operations and the client to server edge.
/// </summary>
public sealed class AgentGoTlsEndToEndTests
{
    [BpfFact]
    public async Task HttpsBetweenGoProgramsBecomesServerAndClientSpans()
    {
        await using var silo = await LocalSilo.StartAsync();
        var capture = SocketCapture.Start(new SocketCaptureOptions { OnlyWatched = true, TlsProbes = true, TlsRescanInterval = TimeSpan.FromMilliseconds(200) });
        var exporter = new OtlpSpanExporter(new OtlpExportOptions { Endpoint = silo.GrpcEndpoint, FlushInterval = TimeSpan.FromMilliseconds(100) });
        var peers = await HttpsPeers.StartAsync(capture, go: true);
        var pipeline = new AgentPipeline(exporter, silo.GrpcEndpoint, new HashSet<int> { peers.Port });
        var spans = new ConcurrentQueue<(ProcessIdentity Process, Span Span)>();
        pipeline.SpanQueued += (process, span) => spans.Enqueue((process, span));
        var running = Task.Run(() => pipeline.RunAsync(capture, CancellationToken.None));
        bool serverSurvived;
        try
        {
            // The rescan finds the server's executable (the client is the same file under another name).
            var deadline = DateTime.UtcNow.AddSeconds(20);
            while (capture.Tls!.LibrariesOf(TlsLibraryKind.Go).Count == 0 && DateTime.UtcNow < deadline)
            {
                await Task.Delay(50);
            }

            Assert.Contains(capture.Tls.LibrariesOf(TlsLibraryKind.Go), l => l.EndsWith("/go-tls-peer/peer", StringComparison.Ordinal));

            using (var goClient = GatedProcess.Start(capture, await GoTlsPeer.ClientAsync(), "client", peers.Url("/hello"), peers.Url("/missing"), peers.Url("/hello")))
            {
                var printed = goClient.StandardOutput.ReadToEndAsync();
                await goClient.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(20));
                Assert.Equal(0, goClient.ExitCode);
                Assert.Equal("200\n404\n200\n", await printed);
            }

            deadline = DateTime.UtcNow.AddSeconds(20);
            while (pipeline.Spans < 6 && DateTime.UtcNow < deadline)
            {
                await Task.Delay(50);
            }

            // The RET uprobes leave the goroutine stacks alone: the server still runs after the requests.
            serverSurvived = !peers.Server.HasExited;
        }
        finally
        {
            peers.Dispose();
        }

        var stats = capture.GetStatistics();
        capture.Dispose();
        await running;
        await exporter.DisposeAsync();
        Assert.True(serverSurvived);
        var queued = spans.ToArray();
        string described = AgentUnderTest.Describe(queued) + $"tracker: exchanges {pipeline.Tracker.Exchanges} unrecognised {pipeline.Tracker.Unrecognised} muted {pipeline.Tracker.Muted} encrypted {pipeline.Tracker.Encrypted} without socket {pipeline.Tracker.TlsWithoutSocket}; memory BIO correlated {pipeline.TlsCorrelated} unmatched {pipeline.TlsUnmatched}; capture events {stats.Events} drops {stats.KernelDrops}/{stats.PendingDrops}/{stats.QueueDrops}";
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
                side.Select(s => (AgentUnderTest.Attribute(s.Span, "http.request.method"), AgentUnderTest.Attribute(s.Span, "url.path"), StatusCode(s.Span))).Order().ToArray());
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

    private static long? StatusCode(Span span) =>
        span.Attributes.FirstOrDefault(a => a.Key == "http.response.status_code")?.Value.IntValue;
}
