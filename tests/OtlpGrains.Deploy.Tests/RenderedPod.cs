using System.Text.Json.Nodes;

namespace OtlpGrains.Deploy.Tests;

/// <summary>
/// A rendered workload's first container as the tests read it, with its environment resolved by tools/OtlpGrains.PodEnv
/// (the code fault-test.sh runs) for a made-up pod name and the loopback address as the pod IP. Where the overlay
/// leaves Secrets to the operator (production), a Secret the render lacks reads as <c>&lt;Secret NAME&gt;</c>.
/// </summary>
internal sealed class RenderedPod
{
    public const string PodIp = "127.0.0.1";

    private readonly IReadOnlyList<RenderedObject> _objects;

    private readonly PodTemplate _template;

    private readonly bool _operatorSecrets;

    public RenderedPod(IReadOnlyList<RenderedObject> objects, string kind, string name, bool operatorSecrets = false)
    {
        _objects = objects;
        _operatorSecrets = operatorSecrets;
        _template = PodTemplate.Find(objects, kind, name, firstIfMany: true);
    }

    public RenderedObject Workload => _template.Workload;

    public JsonObject Container => _template.Container;

    public IReadOnlyDictionary<string, string> Labels => _template.Labels;

    public string PodName => $"{Workload.Name}-7d9f8c6b5-x2k4q";

    /// <summary>Container ports by name.</summary>
    public IReadOnlyDictionary<string, int> Ports =>
        Container["ports"]!.AsArray().ToDictionary(p => (string)p!["name"]!, p => (int)p!["containerPort"]!);

    /// <summary>Only what the pod spec itself sets: env and envFrom, resolved in the kubelet's order (env wins).</summary>
    public Dictionary<string, string> Environment() => PodEnvironment.Resolve(_objects, _template, new SuppliedValues
    {
        Fields = new Dictionary<string, string>(StringComparer.Ordinal) { ["metadata.name"] = PodName, ["status.podIP"] = PodIp },
        PlaceholderSecrets = _operatorSecrets,
    });
}
