using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace OtlpGrains.AgentBench;

/// <summary>
/// The events/s load: <c>pairs</c> loopback connections, each a client thread sending a 64-byte message and a server
/// thread answering it with 64 bytes. One round trip is four captured events (send and receive on each side). Paced
/// to <c>roundTripsPerSecond</c> in total (0 = flat out). Prints <c>ready</c> once connected and
/// <c>done roundtrips N seconds S</c> at the end.
/// </summary>
internal static class PingPongLoad
{
    private const int MessageBytes = 64;

    public static int Run(int roundTripsPerSecond, int pairs, double seconds)
    {
        using var listener = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        listener.Listen(pairs);
        var clients = new Socket[pairs];
        var servers = new Socket[pairs];
        for (int i = 0; i < pairs; i++)
        {
            clients[i] = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
            clients[i].Connect(listener.LocalEndPoint!);
            servers[i] = listener.Accept();
            servers[i].NoDelay = true;
        }

        Console.WriteLine("ready");
        long roundTrips = 0;
        long start = Stopwatch.GetTimestamp();
        long end = start + (long)(seconds * Stopwatch.Frequency);
        double perPairRate = roundTripsPerSecond / (double)pairs;
        var threads = new List<Thread>();
        for (int i = 0; i < pairs; i++)
        {
            Socket client = clients[i];
            Socket server = servers[i];
            threads.Add(new Thread(() => Echo(server)) { IsBackground = true });
            threads.Add(new Thread(() => Interlocked.Add(ref roundTrips, Ping(client, perPairRate, start, end))) { IsBackground = true });
        }

        threads.ForEach(t => t.Start());
        threads.ForEach(t => t.Join());
        double elapsed = Stopwatch.GetElapsedTime(start).TotalSeconds;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"done roundtrips {roundTrips} seconds {elapsed:F3}"));
        foreach (Socket s in clients.Concat(servers))
        {
            s.Dispose();
        }

        return 0;
    }

    private static long Ping(Socket client, double rate, long start, long end)
    {
        Span<byte> message = stackalloc byte[MessageBytes];
        message.Fill((byte)'p');
        Span<byte> reply = stackalloc byte[MessageBytes];
        long done = 0;
        while (true)
        {
            long now = Stopwatch.GetTimestamp();
            if (now >= end)
            {
                break;
            }

            // Catch up with the schedule in a burst, then sleep a tick: 1 ms pacing granularity.
            long due = rate <= 0 ? done + 1 : (long)((now - start) * rate / Stopwatch.Frequency);
            if (done >= due)
            {
                Thread.Sleep(1);
                continue;
            }

            client.Send(message);
            int received = 0;
            while (received < MessageBytes)
            {
                int n = client.Receive(reply[received..]);
                if (n == 0)
                {
                    return done;
                }

                received += n;
            }

            done++;
        }

        client.Shutdown(SocketShutdown.Send);
        return done;
    }

    private static void Echo(Socket server)
    {
        var buffer = new byte[MessageBytes];
        try
        {
            while (true)
            {
                int received = 0;
                while (received < MessageBytes)
                {
                    int n = server.Receive(buffer, received, MessageBytes - received, SocketFlags.None);
                    if (n == 0)
                    {
                        return;
                    }

                    received += n;
                }

                server.Send(buffer);
            }
        }
        catch (SocketException)
        {
            // client gone
        }
    }
}
