using System.Net.Http.Json;
using System.Text.Json;
using OtlpGrains.Agent.Capture;
using OtlpGrains.Agent.Export;
using OtlpGrains.Agent.Tracking;
using Xunit;

namespace OtlpGrains.Agent.Tests;

/// <summary>
/// The whole agent over HTTPS: curl and a python3 TLS server (both on Debian's libssl3) talk on loopback, the OpenSSL
/// uprobes (attached by the periodic rescan once python maps libssl) deliver the plaintext, and the gateway shows the
/// server's operations and the curl to server edge, with no spans from the ciphertext.
/// </summary>
public sealed class AgentTlsEndToEndTests
{
    [BpfFact]
    public async Task HttpsBetweenUnmodifiedProcessesBecomesServicesAndAnEdge()
    {
        await using var silo = await LocalSilo.StartAsync();
        var capture = SocketCapture.Start(new SocketCaptureOptions { OnlyWatched = true, TlsProbes = true, TlsRescanInterval = TimeSpan.FromMilliseconds(200) });
        var exporter = new OtlpSpanExporter(new OtlpExportOptions { Endpoint = silo.GrpcEndpoint, FlushInterval = TimeSpan.FromMilliseconds(100) });
        var peers = await HttpsPeers.StartAsync(capture);
        var pipeline = new AgentPipeline(exporter, silo.GrpcEndpoint, new HashSet<int> { peers.Port });
        var running = Task.Run(() => pipeline.RunAsync(capture, CancellationToken.None));
        try
        {
            // The rescan timer attaches python's libssl (the file curl maps too).
            var deadline = DateTime.UtcNow.AddSeconds(20);
            while (!capture.Tls!.Libraries.Any(l => l.EndsWith("/libssl.so.3", StringComparison.Ordinal)) && DateTime.UtcNow < deadline)
            {
                await Task.Delay(50);
            }

            Assert.Contains(capture.Tls.Libraries, l => l.EndsWith("/libssl.so.3", StringComparison.Ordinal));

            // Three GETs, one of them a 404; --rate keeps curl alive long enough for the agent to read who it is.
            using (var curl = GatedProcess.Start(capture, "curl", "-k", "-sS", "--http1.1", "-o", "/dev/null", "-o", "/dev/null", "-o", "/dev/null",
                "--rate", "5/s", peers.Url("/hello"), peers.Url("/missing"), peers.Url("/hello")))
            {
                await curl.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(20));
                Assert.Equal(0, curl.ExitCode);
            }

            deadline = DateTime.UtcNow.AddSeconds(20);
            while (pipeline.Spans < 6 && DateTime.UtcNow < deadline)
            {
                await Task.Delay(50);
            }
        }
        finally
        {
            peers.Dispose();
        }

        capture.Dispose();
        await running;
        await exporter.DisposeAsync();
        Assert.Equal(6, pipeline.Spans); // 3 server spans in python, 3 client spans in curl: none from the handshakes
        Assert.Equal(6, exporter.Exported);
        Assert.Equal(3, pipeline.Linked); // both ends on this node, matched by the socket's 4-tuple
        Assert.Equal(0, pipeline.Tracker.Unrecognised);
        // http.server closes the connection after its 404 (send_error says Connection: close), so curl's third GET
        // goes on a second connection: two handshakes at each end.
        Assert.Equal(4, pipeline.Tracker.Encrypted);

        var services = await silo.EventuallyAsync("/api/v1/services", d => LocalSilo.Service(d, "curl")?.GetProperty("spans").GetInt64() == 3);
        var server = LocalSilo.Service(services, "https_server");
        Assert.Equal(3, server?.GetProperty("requests").GetInt64());
        Assert.Equal(0, server?.GetProperty("errors").GetInt64()); // a 404 is the client's fault
        Assert.Equal(3, LocalSilo.Service(services, "curl")?.GetProperty("spans").GetInt64());

        var detail = await silo.Api.GetFromJsonAsync<JsonElement>("/api/v1/services/https_server");
        var operations = detail.GetProperty("operations").EnumerateArray().Select(o => (o.GetProperty("name").GetString(), o.GetProperty("requests").GetInt64())).Order().ToArray();
        Assert.Equal([("GET /hello", 2L), ("GET /missing", 1L)], operations);

        var graph = await silo.EventuallyAsync("/api/v1/graph", g => LocalSilo.Edge(g, "curl", "https_server")?.GetProperty("calls").GetInt64() == 3);
        Assert.Equal(3, LocalSilo.Edge(graph, "curl", "https_server")?.GetProperty("calls").GetInt64());
        Assert.Equal(1, LocalSilo.Edge(graph, "curl", "https_server")?.GetProperty("errors").GetInt64()); // the 404, an error for the client
    }
}
