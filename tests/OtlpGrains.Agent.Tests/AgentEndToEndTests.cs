using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Net.Http.Json;
using System.Text.Json;
using OtlpGrains.Agent.Capture;
using OtlpGrains.Agent.Export;
using OtlpGrains.Agent.Tracking;
using Xunit;

namespace OtlpGrains.Agent.Tests;

/// <summary>
/// The whole agent on the real kernel: unmodified processes (python3's http.server and curl) talk on loopback; the
/// agent captures the bytes, pairs requests and responses, and exports spans that the gateway's query API shows.
/// </summary>
public sealed class AgentEndToEndTests
{
    private const string TraceId = "4bf92f3577b34da6a3ce929d0e0e4736";
    private const string ParentId = "00f067aa0ba902b7";

    [BpfFact]
    public async Task TrafficBetweenUnmodifiedProcessesBecomesServicesEdgesAndALinkedTrace()
    {
        await using var silo = await LocalSilo.StartAsync();
        var root = Directory.CreateTempSubdirectory("otlpgrains-agent-").FullName;
        await File.WriteAllTextAsync(Path.Combine(root, "hello"), "hello\n");
        await File.WriteAllBytesAsync(Path.Combine(root, "big"), new byte[40_000]);
        var port = LocalSilo.FreePort();

        var capture = SocketCapture.Start(new SocketCaptureOptions { OnlyWatched = true });
        var exporter = new OtlpSpanExporter(new OtlpExportOptions { Endpoint = silo.GrpcEndpoint, FlushInterval = TimeSpan.FromMilliseconds(100) });
        var pipeline = new AgentPipeline(exporter, silo.GrpcEndpoint, new HashSet<int> { port });
        var running = Task.Run(() => pipeline.RunAsync(capture, CancellationToken.None));

        using var server = GatedProcess.Start(capture, GatedProcess.Python, "-u", "-m", "http.server", "--protocol", "HTTP/1.1",
            "--bind", "127.0.0.1", "--directory", root, port.ToString(CultureInfo.InvariantCulture));
        try
        {
            Assert.StartsWith("Serving HTTP", await server.StandardOutput.ReadLineAsync(), StringComparison.Ordinal);

            // Three GETs on one keep-alive connection (one 404), then a POST the server does not implement (501, an error),
            // carrying the caller's W3C trace context.
            // Spacing the transfers (--rate) keeps each curl alive long enough for the agent to read who it is.
            using (var curl = GatedProcess.Start(capture, "curl", "-sS", "-o", "/dev/null", "-o", "/dev/null", "-o", "/dev/null",
                "--rate", "5/s", $"http://127.0.0.1:{port}/hello", $"http://127.0.0.1:{port}/missing", $"http://127.0.0.1:{port}/big"))
            {
                // Waiting without blocking a pool thread: the agent's pipeline needs one promptly.
                await curl.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(20));
            }

            using (var post = GatedProcess.Start(capture, "curl", "-sS", "-o", "/dev/null", "-o", "/dev/null", "-X", "POST", "--rate", "5/s",
                "-H", $"traceparent: 00-{TraceId}-{ParentId}-01", $"http://127.0.0.1:{port}/hello", $"http://127.0.0.1:{port}/hello"))
            {
                await post.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(20));
            }

            var deadline = DateTime.UtcNow.AddSeconds(20);
            while (pipeline.Spans < 10 && DateTime.UtcNow < deadline)
            {
                await Task.Delay(50);
            }
        }
        finally
        {
            server.Kill();
            await server.WaitForExitAsync();
            Directory.Delete(root, recursive: true);
        }

        capture.Dispose();
        await running;
        await exporter.DisposeAsync();
        Assert.Equal(10, pipeline.Spans); // 5 server spans in python, 5 client spans in the two curls
        Assert.Equal(10, exporter.Exported);
        Assert.Equal(3, pipeline.Linked); // the GETs; the POSTs' server spans keep the caller's traceparent
        Assert.Equal(0, pipeline.Tracker.Unrecognised);

        var services = await silo.EventuallyAsync("/api/v1/services", d => LocalSilo.Service(d, "curl")?.GetProperty("spans").GetInt64() == 5);
        var python = LocalSilo.Service(services, "http.server");
        Assert.Equal(5, python?.GetProperty("requests").GetInt64());
        Assert.Equal(2, python?.GetProperty("errors").GetInt64()); // the two 501s; a 404 is the client's fault
        Assert.Equal(5, LocalSilo.Service(services, "curl")?.GetProperty("spans").GetInt64());

        var detail = await silo.Api.GetFromJsonAsync<JsonElement>("/api/v1/services/http.server");
        Assert.Contains(detail.GetProperty("operations").EnumerateArray(), o => o.GetProperty("name").GetString() == "GET /big" && o.GetProperty("requests").GetInt64() == 1);
        Assert.Contains(detail.GetProperty("operations").EnumerateArray(), o => o.GetProperty("name").GetString() == "GET /missing" && o.GetProperty("errors").GetInt64() == 0);
        Assert.Contains(detail.GetProperty("operations").EnumerateArray(), o => o.GetProperty("name").GetString() == "POST /hello");

        // Both ends were on this node, so curl's GETs and python's answers are one trace each: a real edge.
        var graph = await silo.EventuallyAsync("/api/v1/graph", g => LocalSilo.Edge(g, "curl", "http.server")?.GetProperty("calls").GetInt64() == 3);
        Assert.Equal(3, LocalSilo.Edge(graph, "curl", "http.server")?.GetProperty("calls").GetInt64());
        Assert.Equal(1, LocalSilo.Edge(graph, "curl", "http.server")?.GetProperty("errors").GetInt64()); // the 404, an error for the client

        // The failed POST joined the caller's trace and was kept.
        var trace = await silo.EventuallyAsync($"/api/v1/traces/{TraceId}", d => d.TryGetProperty("spans", out _), allowNotFound: true);
        var spans = trace.GetProperty("spans").EnumerateArray().ToArray();
        Assert.Equal(2, spans.Length);
        Assert.All(spans, span =>
        {
            Assert.Equal(ParentId, span.GetProperty("parentSpanId").GetString());
            Assert.Equal("SERVER", span.GetProperty("kind").GetString());
            Assert.Equal("ERROR", span.GetProperty("status").GetString());
            Assert.Equal("http.server", span.GetProperty("service").GetString());
        });
    }
}
