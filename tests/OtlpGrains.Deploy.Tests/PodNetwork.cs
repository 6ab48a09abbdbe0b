using System.Diagnostics;

namespace OtlpGrains.Deploy.Tests;

/// <summary>
/// A network namespace of its own, as a pod has: the silo binds the rendered ports there without meeting anything else
/// on this machine, and probes run inside it as the kubelet's reach the pod. Needs root and iproute2.
/// </summary>
internal sealed class PodNetwork : IDisposable
{
    private static readonly TimeSpan CommandPatience = TimeSpan.FromSeconds(20);

    private PodNetwork(string name) => Name = name;

    public string Name { get; }

    public static PodNetwork Create()
    {
        var network = new PodNetwork($"otlpg-pod-{Environment.ProcessId}-{Random.Shared.Next(100_000)}");
        Require(Run("ip", "netns", "add", network.Name));
        Require(Run("ip", "-n", network.Name, "link", "set", "lo", "up"));
        return network;
    }

    /// <summary>Runs a command inside the namespace; its exit code and standard output.</summary>
    public (int Exit, string Output) Exec(params string[] command) => Run("ip", ["netns", "exec", Name, .. command]);

    public void Dispose() => Run("ip", "netns", "del", Name);

    public static (int Exit, string Output) Run(string file, params string[] arguments)
    {
        var start = new ProcessStartInfo(file, arguments) { RedirectStandardOutput = true, RedirectStandardError = true };
        using var process = Process.Start(start) ?? throw new InvalidOperationException($"{file} did not start");
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(CommandPatience))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{file} {string.Join(' ', arguments)} ran over {CommandPatience.TotalSeconds} s");
        }

        return (process.ExitCode, output.Result + errors.Result);
    }

    private static void Require((int Exit, string Output) result)
    {
        if (result.Exit != 0)
        {
            throw new InvalidOperationException($"cannot make the pod's network namespace: {result.Output.Trim()}");
        }
    }
}
