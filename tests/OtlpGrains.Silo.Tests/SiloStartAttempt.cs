using Microsoft.AspNetCore.Builder;
using OtlpGrains.Hosting;

namespace OtlpGrains.Silo.Tests;

/// <summary>
/// Runs the silo as its Program does, on free loopback ports, and returns its exit code and stderr lines. For settings
/// that must stop start-up: a silo still running after <see cref="Patience"/> is stopped and fails the test.
/// </summary>
internal static class SiloStartAttempt
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    public static async Task<(int Exit, string[] Lines)> RunAsync(params string[] settings)
    {
        var ports = LoopbackPorts.Take(5);
        using var errors = new StringWriter();
        WebApplication? started = null;
        var run = HostRunner.RunUntilStoppedAsync(
            () => started = SiloApplication.Build(
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
        if (await Task.WhenAny(run, Task.Delay(Patience)) != run)
        {
            await started!.StopAsync();
            await run;
            throw new Xunit.Sdk.XunitException($"the silo started and ran for {Patience.TotalSeconds} s with settings that should stop it: {string.Join(' ', settings)}");
        }

        var exit = await run;
        return (exit, errors.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries));
    }
}
