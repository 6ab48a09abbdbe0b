using System.Net;
using System.Net.Sockets;
using Microsoft.AspNetCore.Builder;
using OtlpGrains.Silo;

namespace OtlpGrains.Evaluate.Rca;

/// <summary>
/// A single-node cluster in this process, built as the silo builds itself (memory storage), on free loopback ports
/// so that it never meets a silo already running: what <c>eval-rca</c> evaluates when it is given no <c>--api</c>.
/// </summary>
internal sealed class InProcessCluster : IAsyncDisposable
{
    private readonly WebApplication _app;

    private InProcessCluster(WebApplication app, Uri otlp, Uri api)
    {
        _app = app;
        Otlp = otlp;
        Api = api;
    }

    /// <summary>The OTLP/gRPC endpoint.</summary>
    public Uri Otlp { get; }

    /// <summary>The query API's base address.</summary>
    public Uri Api { get; }

    public static async Task<InProcessCluster> StartAsync(CancellationToken ct)
    {
        int[] ports = FreePorts(5);
        WebApplication app = SiloApplication.Build(
        [
            $"--OtlpGrains:Otlp:GrpcPort={ports[0]}",
            $"--OtlpGrains:Otlp:HttpPort={ports[1]}",
            "--OtlpGrains:Otlp:ListenAddress=127.0.0.1",
            $"--OtlpGrains:Api:Port={ports[2]}",
            "--OtlpGrains:Api:ListenAddress=127.0.0.1",
            $"--OtlpGrains:Cluster:SiloPort={ports[3]}",
            $"--OtlpGrains:Cluster:GatewayPort={ports[4]}",
            "--OtlpGrains:Cluster:ClusterId=eval-rca",
            "--Logging:LogLevel:Default=Warning",
        ]);
        await app.StartAsync(ct);
        return new InProcessCluster(app, new Uri($"http://127.0.0.1:{ports[0]}"), new Uri($"http://127.0.0.1:{ports[2]}"));
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    // Distinct ports the kernel says are free now: all listeners are held until every port is chosen.
    private static int[] FreePorts(int count)
    {
        var listeners = new List<TcpListener>(count);
        try
        {
            for (int i = 0; i < count; i++)
            {
                var listener = new TcpListener(IPAddress.Loopback, 0);
                listener.Start();
                listeners.Add(listener);
            }

            return [.. listeners.Select(l => ((IPEndPoint)l.LocalEndpoint).Port)];
        }
        finally
        {
            listeners.ForEach(l => l.Stop());
        }
    }
}
