using Xunit;

namespace OtlpGrains.Deploy.Tests;

/// <summary>The node agent's DaemonSet: what eBPF needs, and an export endpoint that is the gateway Service's OTLP port.</summary>
public sealed class AgentManifestTests
{
    [Theory]
    [InlineData("dev", "http")]
    [InlineData("production", "https")]
    public void AgentExportsToTheGatewayServiceWithWhatEbpfNeeds(string overlay, string scheme)
    {
        var objects = Kustomize.Render(RepositoryPaths.Overlay(overlay));
        var agent = new RenderedPod(objects, "DaemonSet", "otlpgrains-agent", operatorSecrets: overlay == "production");
        var spec = agent.Workload.Json["spec"]!["template"]!["spec"]!;

        var endpoint = new Uri(agent.Environment()["OTEL_EXPORTER_OTLP_ENDPOINT"]);
        var gateway = objects.Single(o => o.Kind == "Service" && o.Name == "otlpgrains-gateway");
        Assert.Equal(scheme, endpoint.Scheme);
        Assert.Equal(gateway.Name, endpoint.Host);
        Assert.Contains(gateway.Json["spec"]!["ports"]!.AsArray(), p => (string?)p!["name"] == "otlp-grpc" && (int)p["port"]! == endpoint.Port);

        Assert.True((bool)spec["hostPID"]!);
        var capabilities = agent.Container["securityContext"]!["capabilities"]!["add"]!.AsArray().Select(c => (string)c!).ToList();
        Assert.Contains("BPF", capabilities);
        Assert.Contains("PERFMON", capabilities);
        var mounts = agent.Container["volumeMounts"]!.AsArray().Select(m => (string)m!["mountPath"]!).ToList();
        Assert.Equal(["/sys/fs/cgroup", "/sys/kernel/btf", "/sys/kernel/tracing"], mounts.Where(m => m.StartsWith("/sys/", StringComparison.Ordinal)).Order());
        var hostPaths = spec["volumes"]!.AsArray().Where(v => v!["hostPath"] is not null).ToDictionary(v => (string)v!["name"]!, v => (string)v!["hostPath"]!["path"]!);
        Assert.All(agent.Container["volumeMounts"]!.AsArray().Where(m => hostPaths.ContainsKey((string)m!["name"]!)), m => Assert.Equal(hostPaths[(string)m!["name"]!], (string)m!["mountPath"]!));

        // The cgroup it watches is under the host's /sys/fs/cgroup, mounted at the same path, so pod cgroups resolve.
        var args = agent.Container["args"]!.AsArray().Select(a => (string)a!).ToList();
        Assert.StartsWith("/sys/fs/cgroup/", args[args.IndexOf("--cgroup") + 1], StringComparison.Ordinal);
    }
}
