using System.Net;
using System.Net.Sockets;
using System.Text;

namespace OtlpGrains.AgentBench;

/// <summary>
/// A minimal HTTP/1.1 keep-alive server for the load: every request (no body, ends at the blank line) gets the same
/// small 200 response. Raw sockets, so the server's own cost stays small and steady next to the agent's.
/// </summary>
internal static class HttpLoadServer
{
    public static readonly byte[] Response = Encoding.ASCII.GetBytes(
        "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 2\r\n\r\nok");

    private static readonly byte[] HeaderEnd = "\r\n\r\n"u8.ToArray();

    /// <summary>Listens on a free loopback port, prints <c>port N</c>, serves until stdin closes.</summary>
    public static async Task<int> RunAsync()
    {
        using var listener = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        listener.Listen(512);
        Console.WriteLine($"port {((IPEndPoint)listener.LocalEndPoint!).Port}");
        using var stop = new CancellationTokenSource();
        _ = Task.Run(() =>
        {
            Console.In.ReadToEnd();
            stop.Cancel();
        });

        try
        {
            while (true)
            {
                Socket connection = await listener.AcceptAsync(stop.Token);
                _ = Task.Run(() => ServeAsync(connection, stop.Token));
            }
        }
        catch (OperationCanceledException)
        {
            return 0;
        }
    }

    private static async Task ServeAsync(Socket connection, CancellationToken cancellationToken)
    {
        using (connection)
        {
            connection.NoDelay = true;
            var buffer = new byte[4096];
            var output = new byte[Response.Length * 64];
            int matched = 0; // bytes of "\r\n\r\n" matched at the end of the previous read
            try
            {
                while (true)
                {
                    int n = await connection.ReceiveAsync(buffer, cancellationToken);
                    if (n == 0)
                    {
                        return;
                    }

                    int requests = 0;
                    for (int i = 0; i < n; i++)
                    {
                        matched = buffer[i] == HeaderEnd[matched] ? matched + 1 : buffer[i] == HeaderEnd[0] ? 1 : 0;
                        if (matched == HeaderEnd.Length)
                        {
                            requests++;
                            matched = 0;
                        }
                    }

                    while (requests > 0)
                    {
                        int batch = Math.Min(requests, 64);
                        for (int r = 0; r < batch; r++)
                        {
                            Response.CopyTo(output, r * Response.Length);
                        }

                        await connection.SendAsync(output.AsMemory(0, batch * Response.Length), cancellationToken);
                        requests -= batch;
                    }
                }
            }
            catch (Exception e) when (e is SocketException or OperationCanceledException)
            {
                // client gone or shutting down
            }
        }
    }
}
