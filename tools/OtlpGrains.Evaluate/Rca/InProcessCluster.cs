using Microsoft.AspNetCore.Builder;
using OtlpGrains.Hosting;
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
        int[] ports = LoopbackPorts.Take(5);
        WebApplication app = SiloApplication.Build([.. LoopbackPorts.SiloArguments(ports, "eval-rca"), "--Logging:LogLevel:Default=Warning"]);
        await app.StartAsync(ct);
        return new InProcessCluster(app, new Uri($"http://127.0.0.1:{ports[0]}"), new Uri($"http://127.0.0.1:{ports[2]}"));
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
