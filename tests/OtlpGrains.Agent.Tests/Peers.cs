using System.Diagnostics;
using System.Reflection;
using OtlpGrains.Agent.Capture;

namespace OtlpGrains.Agent.Tests;

/// <summary>Starts modes of tests/OtlpGrains.Agent.Peers (built with this project) as watched processes.</summary>
internal static class Peers
{
    /// <summary>The peer program's dll, in the configuration this test project was built with.</summary>
    public static string Assembly { get; } = typeof(Peers).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
        .Single(a => a.Key == "PeersAssembly").Value!;

    /// <summary>
    /// Runs <c>dotnet Peers.dll arguments</c> under the watched pid, with <c>OTEL_SERVICE_NAME</c> set so each mode is its
    /// own service (the agent reads it from the process's environment).
    /// </summary>
    public static Process Start(SocketCapture capture, string serviceName, params string[] arguments) =>
        GatedProcess.Start(capture, "env", [$"OTEL_SERVICE_NAME={serviceName}", "DOTNET_CLI_TELEMETRY_OPTOUT=1", "dotnet", Assembly, .. arguments]);
}
