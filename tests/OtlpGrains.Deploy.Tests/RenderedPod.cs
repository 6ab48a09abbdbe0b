using System.Text;
using System.Text.Json.Nodes;

namespace OtlpGrains.Deploy.Tests;

/// <summary>
/// The environment the kubelet would give a rendered workload's first container: plain values, the downward API,
/// and the ConfigMaps and Secrets it names, read from the same render. A Secret the render lacks is an error, unless
/// the overlay leaves Secrets to the operator (production): then its keys are unknown and a referenced value reads
/// as <c>&lt;Secret NAME&gt;</c>.
/// </summary>
internal sealed class RenderedPod
{
    public const string PodIp = "127.0.0.1";

    private readonly IReadOnlyList<RenderedObject> _objects;

    private readonly bool _operatorSecrets;

    public RenderedPod(IReadOnlyList<RenderedObject> objects, string kind, string name, bool operatorSecrets = false)
    {
        _objects = objects;
        _operatorSecrets = operatorSecrets;
        Workload = objects.Single(o => o.Kind == kind && o.Name == name);
        Container = (JsonObject)ManifestValidator.Field(Workload, "spec", "template", "spec", "containers")![0]!;
        Labels = ((JsonObject)ManifestValidator.Field(Workload, "spec", "template", "metadata", "labels")!).ToDictionary(p => p.Key, p => (string)p.Value!);
    }

    public RenderedObject Workload { get; }

    public JsonObject Container { get; }

    public IReadOnlyDictionary<string, string> Labels { get; }

    public string Namespace => (string?)Workload.Json["metadata"]?["namespace"] ?? "default";

    public string PodName => $"{Workload.Name}-7d9f8c6b5-x2k4q";

    /// <summary>Container ports by name.</summary>
    public IReadOnlyDictionary<string, int> Ports =>
        Container["ports"]!.AsArray().ToDictionary(p => (string)p!["name"]!, p => (int)p!["containerPort"]!);

    /// <summary>Only what the pod spec itself sets: env and envFrom, resolved in the kubelet's order (env wins).</summary>
    public Dictionary<string, string> Environment()
    {
        var environment = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var source in Container["envFrom"]?.AsArray() ?? [])
        {
            var (kind, reference) = source!["configMapRef"] is { } map ? ("ConfigMap", map) : ("Secret", source["secretRef"]!);
            foreach (var (key, value) in Data(kind, (string)reference["name"]!))
            {
                environment[key] = value;
            }
        }

        foreach (var variable in Container["env"]?.AsArray() ?? [])
        {
            environment[(string)variable!["name"]!] = variable["value"] is { } value ? (string)value! : From(variable["valueFrom"]!);
        }

        return environment;
    }

    private string From(JsonNode valueFrom)
    {
        if (valueFrom["fieldRef"] is { } field)
        {
            return (string)field["fieldPath"]! switch
            {
                "metadata.name" => PodName,
                "metadata.namespace" => Namespace,
                "status.podIP" => PodIp,
                var path => throw new InvalidOperationException($"{Workload}: no downward API value for {path} here"),
            };
        }

        var (kind, reference) = valueFrom["secretKeyRef"] is { } secret ? ("Secret", secret) : ("ConfigMap", valueFrom["configMapKeyRef"]!);
        string key = (string)reference["key"]!;
        if (_operatorSecrets && kind == "Secret" && !Holds(kind, (string)reference["name"]!))
        {
            return $"<Secret {(string)reference["name"]!}>";
        }

        return Data(kind, (string)reference["name"]!).TryGetValue(key, out var found) ? found
            : throw new InvalidOperationException($"{Workload}: {kind} {(string)reference["name"]!} has no key {key}");
    }

    private bool Holds(string kind, string name) => _objects.Any(o => o.Kind == kind && o.Name == name);

    private Dictionary<string, string> Data(string kind, string name)
    {
        if (_operatorSecrets && kind == "Secret" && !Holds(kind, name))
        {
            return [];
        }

        var source = _objects.SingleOrDefault(o => o.Kind == kind && o.Name == name)
            ?? throw new InvalidOperationException($"{Workload} names {kind} {name}, which the render does not hold");
        var data = source.Json["data"]?.AsObject() ?? [];
        return data.ToDictionary(
            p => p.Key,
            p => kind == "Secret" ? Encoding.UTF8.GetString(Convert.FromBase64String(((string)p.Value!).Replace("\n", string.Empty, StringComparison.Ordinal))) : (string)p.Value!);
    }
}
