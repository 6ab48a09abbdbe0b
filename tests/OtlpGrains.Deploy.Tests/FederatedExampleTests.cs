using System.Text.Json.Nodes;
using Xunit;

namespace OtlpGrains.Deploy.Tests;

/// <summary>
/// The federated example (<c>overlays/federated-eu</c> and <c>federated-us</c>): each cluster has its own name and
/// pulls the other at the DNS name the other's federation Service publishes, on that Service's port, over TLS with the
/// federation CA and its own certificate, presenting the key from a Secret; the federation gateway the peer reaches
/// requires client certificates of that CA; nothing secret is rendered.
/// </summary>
public sealed class FederatedExampleTests
{
    private const string FederationTls = "otlpgrains-federation-tls";

    public static TheoryData<string, string> Pairs => new() { { "eu", "us" }, { "us", "eu" } };

    [Theory]
    [MemberData(nameof(Pairs))]
    public void EachClusterPullsTheOtherAtItsFederationServicesName(string self, string peer)
    {
        var objects = Render(self);
        var settings = new RenderedPod(objects, "Deployment", "otlpgrains-silo", operatorSecrets: true).Environment();

        Assert.Equal(self, settings["OtlpGrains__Federation__ClusterName"]);
        Assert.Equal(peer, settings["OtlpGrains__Federation__Peers__0__Name"]);
        Assert.False(settings.ContainsKey("OtlpGrains__Federation__Peers__1__Name"), "one peer only");

        var theirs = Render(peer);
        var service = theirs.Single(o => o.Kind == "Service" && o.Name == "otlpgrains-federation");
        var endpoint = new Uri(settings["OtlpGrains__Federation__Peers__0__Endpoint"]);
        Assert.Equal("https", endpoint.Scheme);
        Assert.Equal((string?)service.Json["metadata"]!["annotations"]!["external-dns.alpha.kubernetes.io/hostname"], endpoint.Host);
        var port = Assert.Single(service.Json["spec"]!["ports"]!.AsArray())!;
        Assert.Equal((int)port["port"]!, endpoint.Port);
        Assert.Equal("LoadBalancer", (string?)service.Json["spec"]!["type"]);

        // The Service leads to the federation gateway's OTLP/gRPC listener, where the federation service is served.
        var gateway = new RenderedPod(theirs, "Deployment", "otlpgrains-federation", operatorSecrets: true);
        Assert.Equal("otlpgrains-federation", (string?)service.Json["spec"]!["selector"]!["app.kubernetes.io/name"]);
        Assert.Equal("otlpgrains-federation", gateway.Labels["app.kubernetes.io/name"]);
        Assert.Equal("otlp-grpc", (string?)port["targetPort"]);
        var gatewaySettings = gateway.Environment();
        Assert.Equal(int.Parse(gatewaySettings["OtlpGrains__Otlp__GrpcPort"], System.Globalization.CultureInfo.InvariantCulture), gateway.Ports["otlp-grpc"]);
        Assert.Equal(peer, gatewaySettings["OtlpGrains__Federation__ClusterName"]);
    }

    [Theory]
    [MemberData(nameof(Pairs))]
    public void ThePeerKeyAndTheTlsFilesComeFromSecrets(string self, string peer)
    {
        var objects = Render(self);
        var silo = new RenderedPod(objects, "Deployment", "otlpgrains-silo", operatorSecrets: true);
        var settings = silo.Environment();

        var key = silo.Container["env"]!.AsArray().Single(e => (string?)e!["name"] == "OtlpGrains__Federation__Peers__0__ApiKey")!;
        Assert.Equal("otlpgrains-federation-peer", (string?)key["valueFrom"]!["secretKeyRef"]!["name"]);
        Assert.Equal("<Secret otlpgrains-federation-peer>", settings["OtlpGrains__Federation__Peers__0__ApiKey"]);

        Assert.Equal("ca.crt", FileOfSecret(silo, settings["OtlpGrains__Federation__Peers__0__CaFile"], FederationTls));
        Assert.Equal("tls.crt", FileOfSecret(silo, settings["OtlpGrains__Federation__Peers__0__CertificateFile"], FederationTls));
        Assert.Equal("tls.key", FileOfSecret(silo, settings["OtlpGrains__Federation__Peers__0__KeyFile"], FederationTls));
        Assert.DoesNotContain(objects, o => o.Kind == "Secret");
        Assert.NotEqual(self, peer);
    }

    [Theory]
    [InlineData("eu")]
    [InlineData("us")]
    public void TheFederationGatewayRequiresClientCertificatesOfTheFederationCa(string self)
    {
        var objects = Render(self);
        var gateway = new RenderedPod(objects, "Deployment", "otlpgrains-federation", operatorSecrets: true);
        var settings = gateway.Environment();

        Assert.Equal("ca.crt", FileOfSecret(gateway, settings["OtlpGrains__Tls__ClientCaPath"], FederationTls));
        Assert.Equal("tls.crt", FileOfSecret(gateway, settings["OtlpGrains__Tls__CertificatePath"], FederationTls));
        Assert.Equal("tls.key", FileOfSecret(gateway, settings["OtlpGrains__Tls__KeyPath"], FederationTls));
        Assert.Empty(settings.Keys.Where(n => n.StartsWith("OtlpGrains", StringComparison.Ordinal)).Select(OptionNames.Problem).OfType<string>());

        // The kubelet cannot present a client certificate: the API port, which the probes use, is left cleartext.
        Assert.Equal("false", settings["OtlpGrains__Tls__Api"]);
        Assert.Null((string?)gateway.Container["readinessProbe"]!["httpGet"]!["scheme"]);

        // Peers get in on 4317, and the silos take its grain calls.
        var policies = objects.Where(o => o.Kind == "NetworkPolicy").ToArray();
        Assert.Contains(policies, p => Selects(p, "otlpgrains-federation") && Ports(p).Contains(4317));
        Assert.Contains(policies, p => Selects(p, "otlpgrains-silo") && Ports(p).Contains(30000)
            && p.Json["spec"]!["ingress"]!.AsArray().Any(i => i!["from"]?.AsArray().Any(f => (string?)f!["podSelector"]?["matchLabels"]?["app.kubernetes.io/name"] == "otlpgrains-federation") == true));
    }

    private static IReadOnlyList<RenderedObject> Render(string cluster) => Kustomize.Render(RepositoryPaths.Overlay($"federated-{cluster}"));

    /// <summary>The key of Secret <paramref name="secret"/> that <paramref name="path"/> reads, through the pod's mounts.</summary>
    private static string FileOfSecret(RenderedPod pod, string path, string secret)
    {
        var mount = pod.Container["volumeMounts"]!.AsArray()
            .Single(m => path.StartsWith((string)m!["mountPath"]! + "/", StringComparison.Ordinal))!;
        var volume = pod.Workload.Json["spec"]!["template"]!["spec"]!["volumes"]!.AsArray().Single(v => (string?)v!["name"] == (string?)mount["name"])!;
        Assert.Equal(secret, (string?)volume["secret"]?["secretName"]);
        Assert.True((bool?)mount["readOnly"] == true, $"{path} is mounted writable");
        return path[((string)mount["mountPath"]!).Length..].TrimStart('/');
    }

    private static bool Selects(RenderedObject policy, string workload) =>
        (string?)policy.Json["spec"]!["podSelector"]!["matchLabels"]?["app.kubernetes.io/name"] == workload;

    private static int[] Ports(RenderedObject policy) =>
        [.. policy.Json["spec"]!["ingress"]!.AsArray().SelectMany(i => i!["ports"]?.AsArray() ?? []).Select(p => (int)p!["port"]!)];
}
