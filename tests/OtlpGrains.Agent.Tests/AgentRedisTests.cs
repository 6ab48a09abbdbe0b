using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using OtlpGrains.Agent.Capture;
using OtlpGrains.Agent.Export;
using OtlpGrains.Agent.Tracking;
using Xunit;

namespace OtlpGrains.Agent.Tests;

/// <summary>
/// A real <c>redis-server</c> and <c>redis-cli</c> (Debian's packages) on loopback: the agent turns their RESP traffic
/// into database spans, failed commands included.
/// </summary>
public sealed class AgentRedisTests
{
    [BpfFact]
    public async Task RedisCommandsBecomeServerSpansWithErrors()
    {
        await using var silo = await LocalSilo.StartAsync();
        var port = LocalSilo.FreePort();
        using var server = Process.Start(new ProcessStartInfo("redis-server",
            ["--port", port.ToString(CultureInfo.InvariantCulture), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"])
        {
            RedirectStandardOutput = true,
            UseShellExecute = false,
        })!;
        try
        {
            await WaitForRedisAsync(port);
            var capture = SocketCapture.Start(new SocketCaptureOptions());
            var exporter = new OtlpSpanExporter(new OtlpExportOptions { Endpoint = silo.GrpcEndpoint, FlushInterval = TimeSpan.FromMilliseconds(100) });
            var pipeline = new AgentPipeline(exporter, silo.GrpcEndpoint, new HashSet<int> { port });
            var running = Task.Run(() => pipeline.RunAsync(capture, CancellationToken.None));

            // One connection, three commands; INCR on a string fails with -ERR.
            using (var cli = GatedProcess.Start(capture, "sh", "-c",
                $"printf 'SET greeting hello\\nGET greeting\\nINCR greeting\\n' | redis-cli -p {port}"))
            {
                await cli.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(20));
            }

            var deadline = DateTime.UtcNow.AddSeconds(20);
            while (pipeline.Spans < 6 && DateTime.UtcNow < deadline)
            {
                await Task.Delay(50);
            }

            capture.Dispose();
            await running;
            await exporter.DisposeAsync();
            // Three commands seen by the server and by the client; redis-cli may add its own at connect (COMMAND).
            Assert.True(pipeline.Spans >= 6, $"{pipeline.Spans} spans");
            Assert.Equal(0, pipeline.Tracker.Unrecognised);

            var detail = await silo.EventuallyAsync(
                "/api/v1/services/redis-server",
                d => LocalSilo.Operation(d, "INCR") is not null,
                allowNotFound: true);
            Assert.Equal((1, 0), LocalSilo.Counts(LocalSilo.Operation(detail, "SET")));
            Assert.Equal((1, 0), LocalSilo.Counts(LocalSilo.Operation(detail, "GET")));
            Assert.Equal((1, 1), LocalSilo.Counts(LocalSilo.Operation(detail, "INCR"))); // -ERR value is not an integer
        }
        finally
        {
            server.Kill();
            await server.WaitForExitAsync();
        }
    }

    private static async Task WaitForRedisAsync(int port)
    {
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (true)
        {
            try
            {
                using var client = new TcpClient();
                await client.ConnectAsync(IPAddress.Loopback, port);
                return;
            }
            catch (SocketException) when (DateTime.UtcNow < deadline)
            {
                await Task.Delay(50);
            }
        }
    }
}
