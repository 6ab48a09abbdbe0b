using System.Globalization;
using System.Text.Json.Nodes;
using YamlDotNet.RepresentationModel;

namespace OtlpGrains.PodEnv;

/// <summary>One object of a rendered manifest: its YAML text (for the Kubernetes models) and the same as JSON (for the
/// schema, for reading fields in tests, and for resolving a pod's environment).</summary>
public sealed record RenderedObject(string Yaml, JsonObject Json)
{
    public string Kind => (string?)Json["kind"] ?? string.Empty;

    public string Name => (string?)Json["metadata"]?["name"] ?? string.Empty;

    /// <summary>The object's namespace; null when the render leaves it to kubectl's context.</summary>
    public string? Namespace => (string?)Json["metadata"]?["namespace"];

    public override string ToString() => $"{Kind}/{Name}";

    /// <summary>Splits a multi-document YAML stream; plain scalars keep YAML's types (3 is a number, "3" a string).</summary>
    public static IReadOnlyList<RenderedObject> Split(string yaml)
    {
        var stream = new YamlStream();
        stream.Load(new StringReader(yaml));
        var texts = yaml.Split(["\n---\n"], StringSplitOptions.RemoveEmptyEntries);
        var documents = stream.Documents.Where(d => d.RootNode is YamlMappingNode).ToList();
        if (texts.Length != documents.Count)
        {
            throw new InvalidOperationException($"{documents.Count} YAML documents but {texts.Length} --- separated texts");
        }

        return [.. documents.Select((d, i) => new RenderedObject(texts[i], (JsonObject)ToJson(d.RootNode)!))];
    }

    private static JsonNode? ToJson(YamlNode node) => node switch
    {
        YamlMappingNode mapping => new JsonObject(mapping.Children.Select(c => KeyValuePair.Create(((YamlScalarNode)c.Key).Value!, ToJson(c.Value)))),
        YamlSequenceNode sequence => new JsonArray([.. sequence.Children.Select(ToJson)]),
        YamlScalarNode scalar => Scalar(scalar),
        _ => throw new InvalidOperationException($"unsupported YAML node {node.NodeType} at {node.Start}"),
    };

    private static JsonValue? Scalar(YamlScalarNode scalar)
    {
        string value = scalar.Value ?? string.Empty;
        if (scalar.Style != YamlDotNet.Core.ScalarStyle.Plain)
        {
            return JsonValue.Create(value);
        }

        return value switch
        {
            "null" or "~" or "" => null,
            "true" => JsonValue.Create(true),
            "false" => JsonValue.Create(false),
            _ when long.TryParse(value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out long number) => number is >= int.MinValue and <= int.MaxValue ? JsonValue.Create((int)number) : JsonValue.Create(number),
            _ when double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out double real) && value.Any(char.IsDigit) && !value.Contains('e', StringComparison.OrdinalIgnoreCase) => JsonValue.Create(real),
            _ => JsonValue.Create(value),
        };
    }
}
