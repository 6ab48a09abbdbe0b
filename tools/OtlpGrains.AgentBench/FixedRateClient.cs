using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace OtlpGrains.AgentBench;

/// <summary>
/// An open-loop HTTP/1.1 client: <c>connections</c> keep-alive connections share a fixed request rate, each request
/// due at a fixed time on a schedule that never waits for slow responses. Latency is measured from the time the
/// request was DUE (so a stall counts against every request it delayed: no coordinated omission) and, separately,
/// from the time it was really sent (service time). Prints <c>measure</c> when the warm-up ends and one
/// <c>result ...</c> line at the end.
/// </summary>
internal static class FixedRateClient
{
    public static async Task<int> RunAsync(int port, int rate, int connections, double warmupSeconds, double seconds)
    {
        long frequency = Stopwatch.Frequency;
        long start = Stopwatch.GetTimestamp() + (frequency / 10);
        long measureFrom = start + (long)(warmupSeconds * frequency);
        long end = measureFrom + (long)(seconds * frequency);
        int perConnection = (int)Math.Ceiling(rate * seconds / connections * 1.05) + 16;
        var results = new ConnectionResult[connections];
        var tasks = new Task[connections];
        for (int c = 0; c < connections; c++)
        {
            var result = results[c] = new ConnectionResult(perConnection);
            int index = c;
            tasks[c] = Task.Run(() => RunConnectionAsync(port, index, connections, rate, start, measureFrom, end, result));
        }

        _ = Task.Run(async () =>
        {
            TimeSpan untilMeasure = Stopwatch.GetElapsedTime(Stopwatch.GetTimestamp(), measureFrom);
            if (untilMeasure > TimeSpan.Zero)
            {
                await Task.Delay(untilMeasure);
            }

            Console.WriteLine("measure");
        });

        await Task.WhenAll(tasks);
        var response = new long[results.Sum(r => r.Count)];
        var service = new long[response.Length];
        int offset = 0;
        foreach (ConnectionResult r in results)
        {
            Array.Copy(r.ResponseTicks, 0, response, offset, r.Count);
            Array.Copy(r.ServiceTicks, 0, service, offset, r.Count);
            offset += r.Count;
        }

        long errors = results.Sum(r => r.Errors);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"result rate {response.Length / seconds:F0} errors {errors} response {LatencySummary.Of(response, response.Length).Format()} service {LatencySummary.Of(service, service.Length).Format()}"));
        return errors == 0 ? 0 : 1;
    }

    private static async Task RunConnectionAsync(int port, int index, int connections, int rate, long start, long measureFrom, long end, ConnectionResult result)
    {
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        await socket.ConnectAsync(new IPEndPoint(IPAddress.Loopback, port));
        var buffer = new byte[4096];
        int responseLength = HttpLoadServer.Response.Length;

        // Request k of this connection is due at start + (k * connections + index) / rate: the connections interleave.
        double ticksPerRequest = (double)Stopwatch.Frequency / rate;
        for (long k = 0; ; k++)
        {
            long due = start + (long)(((k * connections) + index) * ticksPerRequest);
            if (due >= end)
            {
                return;
            }

            long now = Stopwatch.GetTimestamp();
            if (due > now)
            {
                await Task.Delay(Stopwatch.GetElapsedTime(now, due));
            }

            byte[] request = Encoding.ASCII.GetBytes($"GET /api/items/{k % 1000} HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
            long sent = Stopwatch.GetTimestamp();
            try
            {
                await socket.SendAsync(request);
                int received = 0;
                while (received < responseLength)
                {
                    int n = await socket.ReceiveAsync(buffer.AsMemory(0, responseLength - received));
                    if (n == 0)
                    {
                        throw new SocketException((int)SocketError.ConnectionReset);
                    }

                    received += n;
                }
            }
            catch (SocketException)
            {
                result.Errors++;
                return;
            }

            long done = Stopwatch.GetTimestamp();
            if (due >= measureFrom && result.Count < result.ResponseTicks.Length)
            {
                result.ResponseTicks[result.Count] = done - due;
                result.ServiceTicks[result.Count] = done - sent;
                result.Count++;
            }
        }
    }

    private sealed class ConnectionResult(int capacity)
    {
        public long[] ResponseTicks { get; } = new long[capacity];

        public long[] ServiceTicks { get; } = new long[capacity];

        public int Count { get; set; }

        public long Errors { get; set; }
    }
}
