using System.Text.Json.Nodes;
using Xunit;

namespace OtlpGrains.Deploy.Tests;

/// <summary>
/// The rendered manifests say what the application reads: its option names, its ports, its probe paths, its pod
/// variables and the labels the Kubernetes hosting package looks for.
/// </summary>
public sealed class ConsistencyTests
{
    private static readonly string[] Probes = ["startupProbe", "livenessProbe", "readinessProbe"];

    public static TheoryData<string, string> Workloads => new()
    {
        { "dev", "otlpgrains-silo" },
        { "dev", "otlpgrains-gateway" },
        { "production", "otlpgrains-silo" },
        { "production", "otlpgrains-gateway" },
        { "federated-eu", "otlpgrains-silo" },
        { "federated-eu", "otlpgrains-gateway" },
        { "federated-us", "otlpgrains-silo" },
    };

    [Theory]
    [MemberData(nameof(Workloads))]
    public void EveryOtlpGrainsVariableIsASettingTheAppReads(string overlay, string workload)
    {
        var objects = Kustomize.Render(RepositoryPaths.Overlay(overlay));
        var pod = new RenderedPod(objects, "Deployment", workload, operatorSecrets: overlay != "dev");
        var names = Names(pod, objects).Where(n => n.StartsWith("OtlpGrains", StringComparison.OrdinalIgnoreCase)).ToList();

        Assert.NotEmpty(names);
        Assert.All(names, n => Assert.StartsWith("OtlpGrains__", n, StringComparison.Ordinal));
        Assert.Empty(names.Select(OptionNames.Problem).OfType<string>());
    }

    [Fact]
    public void OptionNameCheckRefusesMisspeltSettings()
    {
        Assert.Null(OptionNames.Problem("OtlpGrains__Security__Keys__0__Roles__1"));
        Assert.Null(OptionNames.Problem("OtlpGrains__Cluster__Tls__CaPath"));
        Assert.Equal("OtlpGrains__Otlp__GrpcPrt: OtlpReceiverOptions has no setting GrpcPrt", OptionNames.Problem("OtlpGrains__Otlp__GrpcPrt"));
        Assert.NotNull(OptionNames.Problem("OtlpGrains__Security__Keys__Hash"));
        Assert.NotNull(OptionNames.Problem("OtlpGrains__Storage_Provider"));
    }

    [Theory]
    [MemberData(nameof(Workloads))]
    public void PortsAndProbesAreTheConfiguredOnes(string overlay, string workload)
    {
        var objects = Kustomize.Render(RepositoryPaths.Overlay(overlay));
        var pod = new RenderedPod(objects, "Deployment", workload, operatorSecrets: overlay != "dev");
        var settings = pod.Environment();

        Assert.Equal(Port(settings["OtlpGrains__Otlp__GrpcPort"]), pod.Ports["otlp-grpc"]);
        Assert.Equal(Port(settings["OtlpGrains__Otlp__HttpPort"]), pod.Ports["otlp-http"]);
        Assert.Equal(Port(settings["OtlpGrains__Api__Port"]), pod.Ports["api"]);
        Assert.Equal("/healthz", (string?)pod.Container["livenessProbe"]?["httpGet"]?["path"]);
        Assert.Equal("/readyz", (string?)pod.Container["readinessProbe"]?["httpGet"]?["path"]);
        Assert.All(
            Probes.Select(p => pod.Container[p]).OfType<JsonNode>(),
            probe => Assert.Equal("api", (string?)probe["httpGet"]?["port"]));
        bool tls = settings.ContainsKey("OtlpGrains__Tls__CertificatePath");
        Assert.All(
            Probes.Select(p => pod.Container[p]).OfType<JsonNode>(),
            probe => Assert.Equal(tls ? "HTTPS" : null, (string?)probe["httpGet"]?["scheme"]));
        Assert.NotNull(pod.Container["resources"]?["requests"]?["memory"]);
        Assert.NotNull(pod.Container["resources"]?["limits"]?["memory"]);

        if (workload == "otlpgrains-silo")
        {
            Assert.Equal(Port(settings["OtlpGrains__Cluster__SiloPort"]), pod.Ports["silo"]);
            Assert.Equal(Port(settings["OtlpGrains__Cluster__GatewayPort"]), pod.Ports["orleans-gateway"]);
        }

        // Every Service port of this workload points at a port the container has.
        foreach (var service in objects.Where(o => o.Kind == "Service" && (string?)o.Json["spec"]?["selector"]?["app.kubernetes.io/name"] == workload))
        {
            Assert.All(service.Json["spec"]!["ports"]!.AsArray(), p => Assert.Contains((string)p!["targetPort"]!, pod.Ports.Keys));
        }
    }

    [Theory]
    [InlineData("dev")]
    [InlineData("production")]
    public void SilosCarryWhatKubernetesHostingNeeds(string overlay)
    {
        var objects = Kustomize.Render(RepositoryPaths.Overlay(overlay));
        var silo = new RenderedPod(objects, "Deployment", "otlpgrains-silo", operatorSecrets: overlay != "dev");
        var settings = silo.Environment();

        // The hosting package finds the cluster's pods by these labels, and the silo's ClusterOptions come from OtlpGrains:Cluster.
        Assert.Equal(settings["OtlpGrains__Cluster__ServiceId"], silo.Labels["orleans/serviceId"]);
        Assert.Equal(settings["OtlpGrains__Cluster__ClusterId"], silo.Labels["orleans/clusterId"]);
        Assert.Equal("postgres", settings["OtlpGrains__Storage__Provider"]);
        var downward = silo.Container["env"]!.AsArray().Where(e => e!["valueFrom"]?["fieldRef"] is not null)
            .ToDictionary(e => (string)e!["name"]!, e => (string)e!["valueFrom"]!["fieldRef"]!["fieldPath"]!);
        Assert.Equal("metadata.name", downward[OtlpGrains.Silo.KubernetesHosting.PodNameVariable]);
        Assert.Equal("metadata.namespace", downward[OtlpGrains.Silo.KubernetesHosting.PodNamespaceVariable]);
        Assert.Equal("status.podIP", downward[OtlpGrains.Silo.KubernetesHosting.PodIpVariable]);

        var spec = silo.Workload.Json["spec"]!;
        Assert.Equal(0, (int)spec["strategy"]!["rollingUpdate"]!["maxUnavailable"]!);
        Assert.Equal(1, (int)spec["strategy"]!["rollingUpdate"]!["maxSurge"]!);
        Assert.True((int)spec["template"]!["spec"]!["terminationGracePeriodSeconds"]! >= 50, "the graceful stop needs the host's 30 s and the writer's 20 s");

        string account = (string)spec["template"]!["spec"]!["serviceAccountName"]!;
        var binding = objects.Single(o => o.Kind == "RoleBinding" && o.Json["subjects"]!.AsArray().Any(s => (string?)s!["name"] == account));
        var role = objects.Single(o => o.Kind == "Role" && o.Name == (string?)binding.Json["roleRef"]!["name"]);
        var rule = role.Json["rules"]!.AsArray().Single(r => r!["resources"]!.AsArray().Any(x => (string?)x == "pods"))!;
        Assert.Equal(["delete", "get", "list", "patch", "watch"], rule["verbs"]!.AsArray().Select(v => (string)v!).Order());
        Assert.Contains(objects, o => o.Kind == "PodDisruptionBudget" && (string?)o.Json["spec"]!["selector"]!["matchLabels"]!["app.kubernetes.io/name"] == "otlpgrains-silo");
    }

    private static int Port(string value) => int.Parse(value, System.Globalization.CultureInfo.InvariantCulture);

    private static IEnumerable<string> Names(RenderedPod pod, IReadOnlyList<RenderedObject> objects)
    {
        foreach (var variable in pod.Container["env"]?.AsArray() ?? [])
        {
            yield return (string)variable!["name"]!;
        }

        // Keys of the ConfigMaps and Secrets the pod loads whole, where the render holds them (production's are the operator's).
        foreach (var source in pod.Container["envFrom"]?.AsArray() ?? [])
        {
            var (kind, reference) = source!["configMapRef"] is { } map ? ("ConfigMap", map) : ("Secret", source["secretRef"]!);
            var data = objects.SingleOrDefault(o => o.Kind == kind && o.Name == (string?)reference["name"])?.Json["data"]?.AsObject();
            foreach (var entry in data ?? [])
            {
                yield return entry.Key;
            }
        }
    }
}
