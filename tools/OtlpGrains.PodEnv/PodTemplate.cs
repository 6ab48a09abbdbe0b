using System.Text.Json.Nodes;

namespace OtlpGrains.PodEnv;

/// <summary>
/// One container of a rendered workload's pod template: where the pod spec sits depends on the kind (a Pod holds it
/// itself, a CronJob two levels down), and the container is chosen by name, or is the only one.
/// </summary>
/// <param name="Metadata">The pod's metadata (labels, annotations) as the template sets it.</param>
public sealed record PodTemplate(RenderedObject Workload, JsonObject Metadata, JsonObject Spec, JsonObject Container)
{
    public string ContainerName => (string?)Container["name"] ?? string.Empty;

    /// <summary>The pod's namespace: the workload's, or <c>default</c> as kubectl would apply it without one.</summary>
    public string Namespace => Workload.Namespace ?? "default";

    public IReadOnlyDictionary<string, string> Labels => Strings(Metadata["labels"]);

    public IReadOnlyDictionary<string, string> Annotations => Strings(Metadata["annotations"]);

    /// <summary>
    /// The workload <paramref name="kind"/>/<paramref name="name"/> of the render and its container
    /// <paramref name="container"/> (null: the only container, or the first when <paramref name="firstIfMany"/>).
    /// </summary>
    /// <exception cref="PodEnvException">The render has no such workload or container.</exception>
    public static PodTemplate Find(IReadOnlyList<RenderedObject> objects, string kind, string name, string? container = null, bool firstIfMany = false)
    {
        var matches = objects.Where(o => string.Equals(o.Kind, kind, StringComparison.OrdinalIgnoreCase) && o.Name == name).ToList();
        if (matches.Count != 1)
        {
            string kinds = string.Join(", ", objects.Where(o => o.Json["spec"] is not null && PodPath(o.Kind) is not null).Select(o => o.ToString()));
            throw new PodEnvException(matches.Count == 0
                ? $"the render holds no {kind}/{name} (its workloads: {(kinds.Length == 0 ? "none" : kinds)})"
                : $"the render holds {matches.Count} objects {kind}/{name}, in several namespaces");
        }

        var workload = matches[0];
        string[] path = PodPath(workload.Kind) ?? throw new PodEnvException($"{workload} is not a kind that runs pods");
        var template = path.Aggregate<string, JsonNode?>(workload.Json, (node, step) => node?[step]) as JsonObject
            ?? throw new PodEnvException($"{workload} has no pod template at {string.Join('.', path)}");
        var spec = (workload.Kind == "Pod" ? template : template["spec"]) as JsonObject
            ?? throw new PodEnvException($"{workload} has no pod spec");
        var metadata = template["metadata"] as JsonObject ?? [];
        var containers = (spec["containers"] as JsonArray ?? []).OfType<JsonObject>().ToList();
        var chosen = container is not null ? containers.FirstOrDefault(c => (string?)c["name"] == container)
            : containers.Count == 1 || (firstIfMany && containers.Count > 0) ? containers[0] : null;
        if (chosen is null)
        {
            string names = string.Join(", ", containers.Select(c => (string?)c["name"]));
            throw new PodEnvException(container is null
                ? $"{workload} has {containers.Count} containers ({names}); name one with --container"
                : $"{workload} has no container {container} (its containers: {names})");
        }

        return new PodTemplate(workload, metadata, spec, chosen);
    }

    public override string ToString() => $"{Workload} container {ContainerName}";

    /// <summary>Where the pod template is in a workload of this kind; null when the kind runs no pods.</summary>
    private static string[]? PodPath(string kind) => kind switch
    {
        "Pod" => [],
        "Deployment" or "StatefulSet" or "DaemonSet" or "ReplicaSet" or "Job" or "ReplicationController" => ["spec", "template"],
        "CronJob" => ["spec", "jobTemplate", "spec", "template"],
        _ => null,
    };

    private static Dictionary<string, string> Strings(JsonNode? map) =>
        (map as JsonObject ?? []).ToDictionary(p => p.Key, p => ManifestText.Of(p.Value), StringComparer.Ordinal);
}
