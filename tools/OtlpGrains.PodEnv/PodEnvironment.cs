using System.Text;
using System.Text.Json.Nodes;

namespace OtlpGrains.PodEnv;

/// <summary>
/// The environment the kubelet gives one container of a rendered pod: envFrom's ConfigMaps and Secrets in order, then
/// the env entries in order (a later one wins), with the downward API and the operator's Secrets from
/// <see cref="SuppliedValues"/>. Only what the pod spec sets: the kubelet's own additions (KUBERNETES_SERVICE_HOST and
/// the Service variables) are not part of it. A reference it cannot resolve fails with a <see cref="PodEnvException"/>.
/// </summary>
public sealed class PodEnvironment
{
    private readonly IReadOnlyList<RenderedObject> _objects;
    private readonly PodTemplate _pod;
    private readonly SuppliedValues _supplied;

    private PodEnvironment(IReadOnlyList<RenderedObject> objects, PodTemplate pod, SuppliedValues supplied)
    {
        _objects = objects;
        _pod = pod;
        _supplied = supplied;
    }

    public static Dictionary<string, string> Resolve(IReadOnlyList<RenderedObject> objects, PodTemplate pod, SuppliedValues supplied)
    {
        ArgumentNullException.ThrowIfNull(objects);
        ArgumentNullException.ThrowIfNull(pod);
        ArgumentNullException.ThrowIfNull(supplied);
        return new PodEnvironment(objects, pod, supplied).Resolve();
    }

    private Dictionary<string, string> Resolve()
    {
        var environment = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var source in (_pod.Container["envFrom"] as JsonArray ?? []).OfType<JsonObject>())
        {
            var (kind, reference) = source["configMapRef"] is JsonObject map ? ("ConfigMap", map)
                : source["secretRef"] is JsonObject secret ? ("Secret", secret)
                : throw Problem("an envFrom entry names neither configMapRef nor secretRef");
            string prefix = ManifestText.Of(source["prefix"]);
            foreach (var (key, value) in Data(kind, reference, "envFrom") ?? [])
            {
                environment[prefix + key] = value;
            }
        }

        foreach (var variable in (_pod.Container["env"] as JsonArray ?? []).OfType<JsonObject>())
        {
            string name = (string?)variable["name"] ?? throw Problem("an env entry has no name");
            string? value = variable["valueFrom"] is JsonObject from ? From(name, from)
                : DependentValues.Expand(ManifestText.Of(variable["value"]), environment);
            if (value is not null)
            {
                environment[name] = value;
            }
        }

        return environment;
    }

    /// <summary>One valueFrom; null when it names an optional ConfigMap or Secret (or key) that is not there.</summary>
    private string? From(string variable, JsonObject valueFrom)
    {
        if (valueFrom["fieldRef"] is JsonObject field)
        {
            return Field(variable, ManifestText.Of(field["fieldPath"]));
        }

        if (valueFrom["resourceFieldRef"] is JsonObject resource)
        {
            throw Problem($"env {variable} reads resourceFieldRef {ManifestText.Of(resource["resource"])}, which podenv does not resolve");
        }

        var (kind, reference) = valueFrom["secretKeyRef"] is JsonObject secret ? ("Secret", secret)
            : valueFrom["configMapKeyRef"] is JsonObject map ? ("ConfigMap", map)
            : throw Problem($"env {variable} has a valueFrom of no kind podenv knows");
        string name = ManifestText.Of(reference["name"]);
        string key = ManifestText.Of(reference["key"]);
        if (kind == "Secret" && _supplied.PlaceholderSecrets && Unheld(kind, name))
        {
            return $"<Secret {name}>";
        }

        var data = Data(kind, reference, $"env {variable}");
        if (data is null)
        {
            return null;
        }

        return data.TryGetValue(key, out var found) ? found
            : Optional(reference) ? null
            : throw Problem($"env {variable} reads key {key} of {kind} {name}, which has no such key (its keys: {string.Join(", ", data.Keys.Order(StringComparer.Ordinal))})");
    }

    private string Field(string variable, string path)
    {
        if (_supplied.Fields.TryGetValue(path, out var supplied))
        {
            return supplied;
        }

        if (Subscript(path, "metadata.labels") is { } label)
        {
            return _pod.Labels.TryGetValue(label, out var value) ? value : string.Empty;
        }

        if (Subscript(path, "metadata.annotations") is { } annotation)
        {
            return _pod.Annotations.TryGetValue(annotation, out var value) ? value : string.Empty;
        }

        return path switch
        {
            "metadata.namespace" => _pod.Namespace,
            "spec.serviceAccountName" => (string?)_pod.Spec["serviceAccountName"] ?? "default",
            _ => throw Problem($"env {variable} needs the downward API's {path}, which only a cluster knows; supply it with --field {path}=VALUE"),
        };
    }

    /// <summary>The key of <c>metadata.labels['key']</c>, or null when the path is not that map.</summary>
    private static string? Subscript(string path, string map) =>
        path.StartsWith(map + "['", StringComparison.Ordinal) && path.EndsWith("']", StringComparison.Ordinal) ? path[(map.Length + 2)..^2] : null;

    /// <summary>A ConfigMap's or Secret's keys and values; null when the reference is optional and the object is not there.</summary>
    private Dictionary<string, string>? Data(string kind, JsonObject reference, string reader)
    {
        string name = ManifestText.Of(reference["name"]);
        var rendered = _objects.FirstOrDefault(o => o.Kind == kind && o.Name == name && (o.Namespace ?? "default") == _pod.Namespace);
        var supplied = kind == "Secret" ? _supplied.Secrets.GetValueOrDefault(name) : null;
        if (rendered is null && supplied is null)
        {
            if (Optional(reference))
            {
                return null;
            }

            if (kind == "Secret" && _supplied.PlaceholderSecrets)
            {
                return [];
            }

            throw Problem(kind == "Secret"
                ? $"{reader} reads Secret {name}, which the render does not hold; supply its keys with --secret {name}:KEY=VALUE"
                : $"{reader} reads ConfigMap {name}, which the render does not hold");
        }

        var data = rendered is null ? new Dictionary<string, string>(StringComparer.Ordinal) : Decoded(rendered);
        foreach (var (key, value) in supplied ?? new Dictionary<string, string>())
        {
            data[key] = value;
        }

        return data;
    }

    /// <summary>A ConfigMap's data, or a Secret's data (base64) with its stringData on top, as the API server merges them.</summary>
    private Dictionary<string, string> Decoded(RenderedObject source)
    {
        var data = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (key, value) in source.Json["data"] as JsonObject ?? [])
        {
            data[key] = source.Kind == "Secret" ? Base64(source, key, ManifestText.Of(value)) : ManifestText.Of(value);
        }

        if (source.Kind == "Secret" && source.Json["stringData"] is JsonObject plain)
        {
            foreach (var (key, value) in plain)
            {
                data[key] = ManifestText.Of(value);
            }
        }

        return data;
    }

    private string Base64(RenderedObject source, string key, string encoded)
    {
        try
        {
            return Encoding.UTF8.GetString(Convert.FromBase64String(encoded.Replace("\n", string.Empty, StringComparison.Ordinal)));
        }
        catch (FormatException)
        {
            throw Problem($"{source} key {key} is not base64");
        }
    }

    private bool Unheld(string kind, string name) =>
        !_supplied.Secrets.ContainsKey(name) && !_objects.Any(o => o.Kind == kind && o.Name == name && (o.Namespace ?? "default") == _pod.Namespace);

    private static bool Optional(JsonObject reference) => reference["optional"] is JsonValue value && value.TryGetValue(out bool optional) && optional;

    private PodEnvException Problem(string what) => new($"{_pod}: {what}");
}
