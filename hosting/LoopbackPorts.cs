using System.Net;
using System.Net.Sockets;

namespace OtlpGrains.Hosting;

/// <summary>
/// Finds loopback TCP ports nobody listens on, so test hosts and <c>eval-rca</c>'s in-process cluster never collide
/// with a running silo. The ports come from
/// below the kernel's ephemeral range (32768-60999 on Linux): a port the kernel hands out (port 0) may be taken as
/// the source port of some outgoing connection - a silo starting beside it dialling PostgreSQL or another silo -
/// before the host under test binds it, which made a silo fail to start now and then.
/// </summary>
public static class LoopbackPorts
{
    private const int First = 20_000;
    private const int Last = 32_000;

    // A random start per test process, so that test assemblies running side by side rarely probe the same ports.
    private static int _next = Random.Shared.Next(First, Last);

    /// <summary>
    /// The silo's arguments for a single node listening on loopback only, on five ports (OTLP gRPC, OTLP HTTP, API,
    /// silo, gateway) as <see cref="Take"/> gives them.
    /// </summary>
    public static string[] SiloArguments(int[] ports, string clusterId)
    {
        ArgumentNullException.ThrowIfNull(ports);
        return
        [
            $"--OtlpGrains:Otlp:GrpcPort={ports[0]}",
            $"--OtlpGrains:Otlp:HttpPort={ports[1]}",
            "--OtlpGrains:Otlp:ListenAddress=127.0.0.1",
            $"--OtlpGrains:Api:Port={ports[2]}",
            "--OtlpGrains:Api:ListenAddress=127.0.0.1",
            $"--OtlpGrains:Cluster:SiloPort={ports[3]}",
            $"--OtlpGrains:Cluster:GatewayPort={ports[4]}",
            $"--OtlpGrains:Cluster:ClusterId={clusterId}",
        ];
    }

    public static int[] Take(int count)
    {
        var ports = new List<int>(count);
        for (int tries = 0; ports.Count < count; tries++)
        {
            if (tries > Last - First)
            {
                throw new InvalidOperationException($"no {count} free loopback ports in {First}-{Last}");
            }

            int port = First + ((Interlocked.Increment(ref _next) - First) % (Last - First));
            if (IsFree(port))
            {
                ports.Add(port);
            }
        }

        return [.. ports];
    }

    private static bool IsFree(int port)
    {
        var listener = new TcpListener(IPAddress.Loopback, port);
        try
        {
            listener.Start();
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
        finally
        {
            listener.Stop();
        }
    }
}
