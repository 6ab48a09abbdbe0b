using System.Text.Json.Nodes;

namespace OtlpGrains.PodEnv;

/// <summary>
/// A manifest value as the text Kubernetes stores: ConfigMap data, env values and labels are strings to the API,
/// while the YAML reader keeps plain scalars typed (an unquoted 3 reads as a number).
/// </summary>
internal static class ManifestText
{
    public static string Of(JsonNode? node) => node switch
    {
        null => string.Empty,
        JsonValue value when value.TryGetValue(out string? text) => text,
        JsonValue value => value.ToJsonString(),
        _ => node.ToJsonString(),
    };
}
