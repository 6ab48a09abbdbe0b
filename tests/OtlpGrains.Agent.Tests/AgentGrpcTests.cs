using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using OpenTelemetry.Proto.Common.V1;
using OpenTelemetry.Proto.Trace.V1;
using OtlpGrains.Agent.Capture;
using OtlpGrains.Agent.Export;
using OtlpGrains.Agent.Tracking;
using Xunit;
using Xunit.Abstractions;
using SpanKind = OpenTelemetry.Proto.Trace.V1.Span.Types.SpanKind;

namespace OtlpGrains.Agent.Tests;

/// <summary>
/// gRPC over h2c between two real .NET processes (a Kestrel gRPC service and a Grpc.Net.Client caller, from
/// tests/OtlpGrains.Agent.Peers) with the agent's default capture settings: the exact spans that reach the gateway.
/// </summary>
public sealed class AgentGrpcTests(ITestOutputHelper output)
{
    private const string Method = "demo.Greeter/SayHello";

    // How much later than its caller a server span may end: the two end at different syscalls' exits, and on a loaded
    // machine the server's thread can be scheduled out between handing the bytes over and its write's exit. Small next
    // to a clock error (the capture clock turned into Unix time wrongly is off by seconds).
    private const ulong SyscallExitSlackNs = 20_000_000;

    [BpfTheory]
    [InlineData(0)]
    [InlineData(3000)]
    [InlineData(12000)]
    public async Task UnaryCallsBecomeServerAndClientSpansWithStatusFromTrailers(int payloadBytes)
    {
        await using var silo = await LocalSilo.StartAsync();
        var port = LocalSilo.FreePort();
        var capture = SocketCapture.Start(new SocketCaptureOptions { OnlyWatched = true });
        var exporter = new OtlpSpanExporter(new OtlpExportOptions { Endpoint = silo.GrpcEndpoint, FlushInterval = TimeSpan.FromMilliseconds(100) });
        var pipeline = new AgentPipeline(exporter, silo.GrpcEndpoint, new HashSet<int> { port });
        var wire = new ConcurrentQueue<string>();
        var spans = new ConcurrentQueue<(string Service, Span Span)>();
        pipeline.SpanQueued += (process, span) => spans.Enqueue((process.ServiceName, span.Clone()));
        var startedUnixNs = (ulong)((DateTimeOffset.UtcNow - DateTimeOffset.UnixEpoch).Ticks * 100);
        var running = Task.Run(() => ConsumeAsync(capture, pipeline, port, wire));

        ulong endedUnixNs = 0;
        using var server = Peers.Start(capture, "greeter-server", "grpc-server", "--port", port.ToString(CultureInfo.InvariantCulture));
        try
        {
            Assert.Equal($"listening {port}", await server.StandardOutput.ReadLineAsync().WaitAsync(TimeSpan.FromSeconds(30)));

            // Six calls on one connection: ok ok INVALID_ARGUMENT ok INTERNAL INVALID_ARGUMENT.
            using (var caller = Peers.Start(capture, "greeter-client", "grpc-client", "--target", $"http://127.0.0.1:{port}", "--calls", "6",
                "--payload-bytes", payloadBytes.ToString(CultureInfo.InvariantCulture)))
            {
                Assert.Equal("ok 3 failed 3", await caller.StandardOutput.ReadLineAsync().WaitAsync(TimeSpan.FromSeconds(30)));
                await caller.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(20));
            }

            endedUnixNs = (ulong)((DateTimeOffset.UtcNow - DateTimeOffset.UnixEpoch).Ticks * 100);

            var deadline = DateTime.UtcNow.AddSeconds(20);
            while (pipeline.Spans < 12 && DateTime.UtcNow < deadline)
            {
                await Task.Delay(50);
            }
        }
        finally
        {
            server.Kill();
            await server.WaitForExitAsync();
        }

        capture.Dispose();
        await running;
        await exporter.DisposeAsync();
        foreach (var line in wire)
        {
            output.WriteLine(line);
        }

        foreach (var (service, span) in spans)
        {
            output.WriteLine($"span {service} {span.Kind} {span.Name} {span.Status?.Code} {span.Attributes}");
        }

        Assert.Equal(0, pipeline.Tracker.Unrecognised);
        Assert.Equal(12, pipeline.Spans); // 6 SERVER spans in the server, 6 CLIENT spans in the caller
        Assert.Equal(6, pipeline.Linked);

        // The exact spans, in call order: grpc-status from the trailers (or the trailers-only response of a failed
        // call); a server span is an error only for the server's own fault, a client span for every non-OK status.
        int[] codes = [0, 0, 3, 0, 13, 3];
        var serverSpans = spans.Where(s => s.Service == "greeter-server").Select(s => s.Span).OrderBy(s => s.StartTimeUnixNano).ToArray();
        var clientSpans = spans.Where(s => s.Service == "greeter-client").Select(s => s.Span).OrderBy(s => s.StartTimeUnixNano).ToArray();
        Assert.Equal(codes, serverSpans.Select(s => (int)Attribute(s, "rpc.grpc.status_code")!.IntValue));
        Assert.Equal(codes, clientSpans.Select(s => (int)Attribute(s, "rpc.grpc.status_code")!.IntValue));
        Assert.Equal([false, false, false, false, true, false], serverSpans.Select(IsError));
        Assert.Equal([false, false, true, false, true, true], clientSpans.Select(IsError));
        for (var i = 0; i < 6; i++)
        {
            Assert.Equal((SpanKind.Server, Method, "grpc", "demo.Greeter", "SayHello"), Describe(serverSpans[i]));
            Assert.Equal((SpanKind.Client, Method, "grpc", "demo.Greeter", "SayHello"), Describe(clientSpans[i]));
            Assert.Equal((clientSpans[i].TraceId, clientSpans[i].SpanId), (serverSpans[i].TraceId, serverSpans[i].ParentSpanId));

            // Kernel timestamps inside the test's own window; the server's work nests in the caller's.
            Assert.InRange(clientSpans[i].StartTimeUnixNano, startedUnixNs, endedUnixNs);
            Assert.InRange(clientSpans[i].EndTimeUnixNano, clientSpans[i].StartTimeUnixNano, endedUnixNs);
            Assert.InRange(serverSpans[i].StartTimeUnixNano, clientSpans[i].StartTimeUnixNano, serverSpans[i].EndTimeUnixNano);
            // A span ends at its last syscall's exit: over loopback the client can read the response before the
            // server's write returns, so the server may end some microseconds after its caller (seen: 1.9 us).
            Assert.InRange(serverSpans[i].EndTimeUnixNano, serverSpans[i].StartTimeUnixNano, clientSpans[i].EndTimeUnixNano + SyscallExitSlackNs);
        }

        var services = await silo.EventuallyAsync("/api/v1/services",
            d => LocalSilo.Service(d, "greeter-client")?.GetProperty("spans").GetInt64() == 6
                && LocalSilo.Service(d, "greeter-server")?.GetProperty("spans").GetInt64() == 6);
        var serverService = LocalSilo.Service(services, "greeter-server");
        Assert.Equal(6, serverService?.GetProperty("requests").GetInt64());
        // Of the statuses [OK, OK, INVALID_ARGUMENT, OK, INTERNAL, INVALID_ARGUMENT] only INTERNAL is the server's failure.
        Assert.Equal(1, serverService?.GetProperty("errors").GetInt64());
        Assert.Equal(6, LocalSilo.Service(services, "greeter-client")?.GetProperty("spans").GetInt64());

        var detail = await silo.Api.GetFromJsonAsync<JsonElement>("/api/v1/services/greeter-server");
        var operation = Assert.Single(detail.GetProperty("operations").EnumerateArray());
        Assert.Equal((Method, 6L, 1L), (operation.GetProperty("name").GetString(), operation.GetProperty("requests").GetInt64(), operation.GetProperty("errors").GetInt64()));

        var graph = await silo.EventuallyAsync("/api/v1/graph", g => LocalSilo.Edge(g, "greeter-client", "greeter-server")?.GetProperty("calls").GetInt64() == 6);
        var edge = LocalSilo.Edge(graph, "greeter-client", "greeter-server");
        Assert.Equal(6, edge?.GetProperty("calls").GetInt64());
        Assert.Equal(3, edge?.GetProperty("errors").GetInt64()); // every non-OK status is an error for the caller
    }

    private static AnyValue? Attribute(Span span, string key) => span.Attributes.FirstOrDefault(a => a.Key == key)?.Value;

    private static bool IsError(Span span) => span.Status?.Code == Status.Types.StatusCode.Error;

    private static (SpanKind, string, string?, string?, string?) Describe(Span span) =>
        (span.Kind, span.Name, Attribute(span, "rpc.system")?.StringValue, Attribute(span, "rpc.service")?.StringValue, Attribute(span, "rpc.method")?.StringValue);

    /// <summary>Feeds the pipeline as <see cref="AgentPipeline.RunAsync"/> does, and notes each event of the test's port.</summary>
    private static async Task ConsumeAsync(SocketCapture capture, AgentPipeline pipeline, int port, ConcurrentQueue<string> wire)
    {
        var reader = capture.Events;
        while (true)
        {
            using var idle = new CancellationTokenSource(TimeSpan.FromMilliseconds(100));
            bool more;
            try
            {
                more = await reader.WaitToReadAsync(idle.Token);
            }
            catch (OperationCanceledException)
            {
                pipeline.FlushHeld(capture.DrainedNs);
                continue;
            }

            if (!more)
            {
                break;
            }

            while (reader.TryRead(out var e))
            {
                using (e)
                {
                    if (e.LocalPort == port || e.RemotePort == port)
                    {
                        wire.Enqueue($"{e} tail={e.TailLength} {e.Command} frames: {Frames(e)} tailhex {Convert.ToHexString(e.Tail.Span)}");
                    }

                    pipeline.OnEvent(e);
                }
            }
        }

        pipeline.FlushHeld(Stopwatch.GetTimestamp(), all: true);
    }

    /// <summary>The HTTP/2 frames (type:length:stream) that start inside the captured bytes, for the log.</summary>
    private static string Frames(SocketEvent e)
    {
        var bytes = e.Payload.Span;
        var at = bytes.StartsWith("PRI * HTTP/2.0"u8) ? 24 : 0;
        var text = new StringBuilder(at > 0 ? "preface " : "");
        while (at + 9 <= e.OriginalLength && at + 9 <= bytes.Length)
        {
            var length = (bytes[at] << 16) | (bytes[at + 1] << 8) | bytes[at + 2];
            var type = bytes[at + 3] switch { 0 => "DATA", 1 => "HEADERS", 3 => "RST", 4 => "SETTINGS", 6 => "PING", 7 => "GOAWAY", 8 => "WINDOW", 9 => "CONT", var t => $"type{t}" };
            var stream = ((bytes[at + 5] & 0x7f) << 24) | (bytes[at + 6] << 16) | (bytes[at + 7] << 8) | bytes[at + 8];
            text.Append(CultureInfo.InvariantCulture, $"{type}:{length}:s{stream}:f{bytes[at + 4]:x} ");
            at += 9 + length;
        }

        if (at < e.OriginalLength)
        {
            text.Append(CultureInfo.InvariantCulture, $"(next frame at {at} not captured)");
        }

        return text.ToString();
    }
}
