using System.Diagnostics;
using System.Text;
using Xunit;

namespace OtlpGrains.Deploy.Tests;

/// <summary>
/// The silo started with exactly the environment the dev overlay's pod spec gives it (ConfigMap, Secrets, downward
/// API, plus the KUBERNETES_SERVICE_HOST the kubelet adds), in a network namespace of its own. The one change: memory
/// storage, since the bundled PostgreSQL Service does not exist here. It must bind the rendered ports and answer the
/// rendered probes, and the keys of the rendered Secrets must be the ones its key hashes accept.
/// </summary>
public sealed class SiloInRenderedPodTests
{
    private static readonly TimeSpan StartPatience = TimeSpan.FromSeconds(90);

    [Fact]
    public async Task SiloBindsTheRenderedPortsAndAnswersTheRenderedProbes()
    {
        var objects = Kustomize.Render(RepositoryPaths.Overlay("dev"));
        var pod = new RenderedPod(objects, "Deployment", "otlpgrains-silo");
        var environment = pod.Environment();
        environment["OtlpGrains__Storage__Provider"] = "memory";
        environment["KUBERNETES_SERVICE_HOST"] = "10.96.0.1";
        environment["KUBERNETES_SERVICE_PORT"] = "443";

        using var network = PodNetwork.Create();
        await using var silo = Start(network, environment);
        int api = pod.Ports["api"];
        string probe = (string)pod.Container["readinessProbe"]!["httpGet"]!["path"]!;
        await silo.WaitAsync(() => Task.FromResult(Status(network, $"http://127.0.0.1:{api}{probe}") == "200"), StartPatience, "ready");

        string listening = network.Exec("ss", "-ltnH").Output;
        foreach (var (name, port) in pod.Ports)
        {
            Assert.True(listening.Contains($":{port} ", StringComparison.Ordinal), $"nothing listens on {name} port {port}:\n{listening}");
        }

        Assert.Equal("200", Status(network, $"http://127.0.0.1:{api}{(string)pod.Container["livenessProbe"]!["httpGet"]!["path"]!}"));

        // The ServiceMonitor's token reads /metrics; nothing else does.
        string token = Secret(objects, "otlpgrains-prometheus", "bearer-token");
        Assert.Equal("401", Status(network, $"http://127.0.0.1:{api}/metrics"));
        Assert.Equal("200", Status(network, $"http://127.0.0.1:{api}/metrics", "-H", $"authorization: Bearer {token}"));

        // The agents' export header is accepted on the OTLP/HTTP port (an empty export request).
        string header = Secret(objects, "otlpgrains-agent", "otlp-headers").Replace("=", ": ", StringComparison.Ordinal);
        string otlp = $"http://127.0.0.1:{pod.Ports["otlp-http"]}/v1/traces";
        Assert.Equal("401", Status(network, otlp, "-X", "POST", "-H", "content-type: application/x-protobuf", "--data-binary", ""));
        Assert.Equal("200", Status(network, otlp, "-X", "POST", "-H", "content-type: application/x-protobuf", "-H", header, "--data-binary", ""));

        Assert.Contains("Kubernetes hosting off: in a pod, but memory storage", silo.Output, StringComparison.Ordinal);
    }

    private static string Secret(IReadOnlyList<RenderedObject> objects, string name, string key)
    {
        var secret = objects.Single(o => o.Kind == "Secret" && o.Name == name);
        return Encoding.UTF8.GetString(Convert.FromBase64String(((string)secret.Json["data"]![key]!).Replace("\n", string.Empty, StringComparison.Ordinal)));
    }

    private static string Status(PodNetwork network, string url, params string[] options) =>
        network.Exec(["curl", "-s", "-o", "/dev/null", "-m", "5", "-w", "%{http_code}", .. options, url]).Output.Trim();

    private static SiloProcess Start(PodNetwork network, Dictionary<string, string> environment)
    {
        string dotnet = Environment.ProcessPath is { } host && Path.GetFileNameWithoutExtension(host) == "dotnet" ? host : "dotnet";
        var start = new ProcessStartInfo("ip", ["netns", "exec", network.Name, dotnet, SiloProcess.Program]);

        // Only the pod's variables, plus what the dotnet host itself needs to start on this machine.
        start.Environment.Clear();
        foreach (string name in new[] { "PATH", "HOME", "DOTNET_ROOT" })
        {
            if (Environment.GetEnvironmentVariable(name) is { } value)
            {
                start.Environment[name] = value;
            }
        }

        foreach (var (name, value) in environment)
        {
            start.Environment[name] = value;
        }

        return SiloProcess.Launch(start);
    }
}
