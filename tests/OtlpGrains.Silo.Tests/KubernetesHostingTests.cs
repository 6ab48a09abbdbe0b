using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Orleans.Configuration;
using OtlpGrains.Hosting;
using Xunit;

namespace OtlpGrains.Silo.Tests;

/// <summary>
/// Kubernetes hosting turns on only in a pod (KUBERNETES_SERVICE_HOST set) with PostgreSQL clustering, and then the
/// silo takes its name and advertised address from the pod. No cluster is needed: the switch is read from the
/// configuration, and building the silo does not call the Kubernetes API.
/// </summary>
public sealed class KubernetesHostingTests
{
    private const string Postgres = "Host=127.0.0.1;Port=1;Database=otlpgrains;Username=otlpgrains";

    // The hosting package reads the pod's variables from the process environment itself, as the kubelet sets them.
    private static readonly Dictionary<string, string> PodEnvironment = new()
    {
        ["POD_NAME"] = "otlpgrains-silo-7d9f-abcde",
        ["POD_NAMESPACE"] = "observability",
        ["POD_IP"] = "10.244.1.17",
    };

    [Fact]
    public void OffOnALaptop()
    {
        var hosting = Decide(new() { ["POD_NAME"] = "x" }, "postgres");

        Assert.False(hosting.InPod);
        Assert.False(hosting.On);
        Assert.Null(hosting.Problem());
        Assert.Contains("not in a pod", hosting.Describe(), StringComparison.Ordinal);
    }

    [Fact]
    public void OnInAPodWithPostgres()
    {
        var hosting = Decide(new()
        {
            ["KUBERNETES_SERVICE_HOST"] = "10.96.0.1",
            ["POD_NAME"] = "silo-0",
            ["POD_NAMESPACE"] = "observability",
            ["POD_IP"] = "10.244.1.17",
        }, "postgres");

        Assert.True(hosting.On);
        Assert.Null(hosting.Problem());
        Assert.Equal("Kubernetes hosting on: pod observability/silo-0 at 10.244.1.17 names and addresses the silo; silos whose pods are gone are declared dead", hosting.Describe());
    }

    [Fact]
    public void OffInAPodWithMemoryStorage()
    {
        var hosting = Decide(new() { ["KUBERNETES_SERVICE_HOST"] = "10.96.0.1" }, "memory");

        Assert.True(hosting.InPod);
        Assert.False(hosting.On);
        Assert.Null(hosting.Problem());
        Assert.Contains("memory storage", hosting.Describe(), StringComparison.Ordinal);
    }

    [Fact]
    public void MissingDownwardApiVariablesAreNamed()
    {
        var hosting = Decide(new() { ["KUBERNETES_SERVICE_HOST"] = "10.96.0.1", ["POD_NAME"] = "silo-0" }, "postgres");

        Assert.Equal("Kubernetes hosting needs POD_NAMESPACE, POD_IP from the downward API (fieldRef metadata.name, metadata.namespace, status.podIP) in the silo's pod spec", hosting.Problem());
    }

    [Fact]
    public async Task APodWithoutItsIpStopsStartupWithOneLine()
    {
        var (exit, lines) = await SiloStartAttempt.RunAsync(
            "--KUBERNETES_SERVICE_HOST=10.96.0.1",
            "--POD_NAME=silo-0",
            "--POD_NAMESPACE=observability",
            "--OtlpGrains:Storage:Provider=postgres",
            $"--OtlpGrains:Storage:ConnectionString={Postgres}");

        Assert.Equal(HostRunner.StartError, exit);
        Assert.Equal(["cannot start: Kubernetes hosting needs POD_IP from the downward API (fieldRef metadata.name, metadata.namespace, status.podIP) in the silo's pod spec"], lines);
    }

    [Fact]
    public async Task InAPodTheSiloIsNamedAndAddressedByThePod()
    {
        using var pod = new EnvironmentScope(PodEnvironment);
        await using var app = SiloApplication.Build(["--KUBERNETES_SERVICE_HOST=10.96.0.1", "--OtlpGrains:Storage:Provider=postgres", $"--OtlpGrains:Storage:ConnectionString={Postgres}"]);

        var endpoints = app.Services.GetRequiredService<IOptions<EndpointOptions>>().Value;
        Assert.Equal("10.244.1.17", endpoints.AdvertisedIPAddress.ToString());
        Assert.Equal("0.0.0.0", endpoints.SiloListeningEndpoint?.Address.ToString());
        Assert.Equal(11111, endpoints.SiloPort);
        Assert.Equal("otlpgrains-silo-7d9f-abcde", app.Services.GetRequiredService<IOptions<SiloOptions>>().Value.SiloName);
        // The ids stay the app's own (OtlpGrains:Cluster), which the pod labels orleans/serviceId and clusterId repeat.
        Assert.Equal("otlpgrains", app.Services.GetRequiredService<IOptions<ClusterOptions>>().Value.ServiceId);
    }

    [Fact]
    public async Task OutsideAPodTheSiloAdvertisesItsConfiguredAddress()
    {
        using var pod = new EnvironmentScope(PodEnvironment);
        await using var app = SiloApplication.Build(["--OtlpGrains:Storage:Provider=postgres", $"--OtlpGrains:Storage:ConnectionString={Postgres}"]);

        var endpoints = app.Services.GetRequiredService<IOptions<EndpointOptions>>().Value;
        Assert.Equal("127.0.0.1", endpoints.AdvertisedIPAddress.ToString());
        Assert.NotEqual("otlpgrains-silo-7d9f-abcde", app.Services.GetRequiredService<IOptions<SiloOptions>>().Value.SiloName);
    }

    private static KubernetesHosting Decide(Dictionary<string, string?> settings, string provider) =>
        KubernetesHosting.Decide(new ConfigurationBuilder().AddInMemoryCollection(settings).Build(), new StorageOptions { Provider = provider });

    /// <summary>
    /// Sets process environment variables and restores them. Only this class's tests (run one at a time) set them,
    /// and the rest of the assembly ignores POD_* without KUBERNETES_SERVICE_HOST, which these tests pass as an argument.
    /// </summary>
    private sealed class EnvironmentScope : IDisposable
    {
        private readonly Dictionary<string, string?> _before;

        public EnvironmentScope(Dictionary<string, string> variables)
        {
            _before = variables.Keys.ToDictionary(k => k, Environment.GetEnvironmentVariable);
            foreach (var (name, value) in variables)
            {
                Environment.SetEnvironmentVariable(name, value);
            }
        }

        public void Dispose()
        {
            foreach (var (name, value) in _before)
            {
                Environment.SetEnvironmentVariable(name, value);
            }
        }
    }
}
