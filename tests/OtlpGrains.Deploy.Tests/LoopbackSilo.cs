using System.Diagnostics;
using System.Globalization;
using OtlpGrains.Hosting;

namespace OtlpGrains.Deploy.Tests;

/// <summary>
/// A single silo (in memory mode unless the caller's settings say otherwise) on five free loopback ports, configured
/// through <c>OtlpGrains__...</c> variables as a deployment would.
/// </summary>
internal sealed class LoopbackSilo : SiloProcess
{
    private LoopbackSilo(ProcessStartInfo start, int[] ports)
        : base(start)
    {
        OtlpHttp = new Uri($"http://127.0.0.1:{ports[1]}");
        Api = new Uri($"http://127.0.0.1:{ports[2]}");
    }

    public Uri OtlpHttp { get; }

    public Uri Api { get; }

    /// <param name="settings">More <c>OtlpGrains__...</c> variables, over the launcher's.</param>
    public static LoopbackSilo Start(IReadOnlyDictionary<string, string>? settings = null)
    {
        int[] ports = LoopbackPorts.Take(5);
        var start = new ProcessStartInfo("dotnet", [Program]);
        string Port(int i) => ports[i].ToString(CultureInfo.InvariantCulture);
        start.Environment["OtlpGrains__Storage__Provider"] = "memory";
        start.Environment["OtlpGrains__Otlp__GrpcPort"] = Port(0);
        start.Environment["OtlpGrains__Otlp__HttpPort"] = Port(1);
        start.Environment["OtlpGrains__Api__Port"] = Port(2);
        start.Environment["OtlpGrains__Cluster__SiloPort"] = Port(3);
        start.Environment["OtlpGrains__Cluster__GatewayPort"] = Port(4);
        start.Environment["OtlpGrains__Cluster__ClusterId"] = $"dashboards-{Guid.NewGuid():N}";
        start.Environment["OtlpGrains__Otlp__ListenAddress"] = "127.0.0.1";
        start.Environment["OtlpGrains__Api__ListenAddress"] = "127.0.0.1";
        start.Environment["OtlpGrains__Traces__IdleSeconds"] = "1";
        foreach (var (name, value) in settings ?? new Dictionary<string, string>())
        {
            start.Environment[name] = value;
        }

        return new LoopbackSilo(start, ports);
    }
}
