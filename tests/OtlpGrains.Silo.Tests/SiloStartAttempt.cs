using OtlpGrains.Hosting;

namespace OtlpGrains.Silo.Tests;

/// <summary>Runs the silo as its Program does, on free loopback ports, and returns its exit code and stderr lines.</summary>
internal static class SiloStartAttempt
{
    public static async Task<(int Exit, string[] Lines)> RunAsync(params string[] settings)
    {
        var ports = LoopbackPorts.Take(5);
        using var errors = new StringWriter();
        var exit = await HostRunner.RunUntilStoppedAsync(
            () => SiloApplication.Build(
            [
                $"--OtlpGrains:Otlp:GrpcPort={ports[0]}",
                $"--OtlpGrains:Otlp:HttpPort={ports[1]}",
                $"--OtlpGrains:Api:Port={ports[2]}",
                $"--OtlpGrains:Cluster:SiloPort={ports[3]}",
                $"--OtlpGrains:Cluster:GatewayPort={ports[4]}",
                "--OtlpGrains:Otlp:ListenAddress=127.0.0.1",
                "--OtlpGrains:Api:ListenAddress=127.0.0.1",
                "--Logging:LogLevel:Default=None",
                .. settings,
            ]),
            errors);
        return (exit, errors.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries));
    }
}
