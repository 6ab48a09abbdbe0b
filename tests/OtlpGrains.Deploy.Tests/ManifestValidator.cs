using System.Text.Json.Nodes;
using Json.Schema;
using k8s;

namespace OtlpGrains.Deploy.Tests;

/// <summary>
/// Validates rendered objects offline, two ways: the Kubernetes API's own models (KubernetesClient, strict, so a
/// misspelt or misplaced field or a wrong type fails) and Schemas/kubernetes.schema.json (required fields, allowed
/// values, and the ServiceMonitor custom resource, which the models do not know).
/// </summary>
internal static class ManifestValidator
{
    private static readonly JsonSchema Schema = JsonSchema.FromFile(Path.Combine(AppContext.BaseDirectory, "Schemas", "kubernetes.schema.json"));

    // One evaluation at a time: test classes validate in parallel, and once in a suite run an evaluation of the shared
    // schema reported the broken ServiceMonitor's error at another location than when run alone.
    private static readonly Lock SchemaGate = new();

    /// <summary>The kinds the API models do not include; the schema closes them to unknown fields instead.</summary>
    private static readonly HashSet<string> CustomResources = ["monitoring.coreos.com/v1/ServiceMonitor"];

    /// <summary>Every problem of one object, each as one line naming the object and the field; empty when it is valid.</summary>
    public static IReadOnlyList<string> Problems(RenderedObject rendered)
    {
        var problems = new List<string>();
        EvaluationResults result;
        lock (SchemaGate)
        {
            result = Schema.Evaluate(rendered.Json, new EvaluationOptions { OutputFormat = OutputFormat.List });
        }

        if (!result.IsValid)
        {
            problems.AddRange(result.Details
                // A kind's "if" that does not match reports an error too; it only selects the kind's rules.
                .Where(d => d.Errors is { Count: > 0 } && !d.EvaluationPath.ToString().Contains("/if", StringComparison.Ordinal))
                .SelectMany(d => d.Errors!.Select(e => $"{rendered}: {d.InstanceLocation}: {e.Value}"))
                .Distinct());
        }

        string type = $"{(string?)rendered.Json["apiVersion"]}/{rendered.Kind}";
        if (!CustomResources.Contains(type))
        {
            try
            {
                var objects = KubernetesYaml.LoadAllFromString(rendered.Yaml, typeMap: null, strict: true);
                if (objects.Count != 1)
                {
                    problems.Add($"{rendered}: the Kubernetes models read {objects.Count} objects");
                }
            }
            catch (Exception exception) when (exception is YamlDotNet.Core.YamlException or ArgumentException or InvalidOperationException or KeyNotFoundException)
            {
                problems.Add($"{rendered}: {type}: {Innermost(exception)}");
            }
        }

        return problems;
    }

    public static IReadOnlyList<string> Problems(IEnumerable<RenderedObject> objects) => [.. objects.SelectMany(Problems)];

    private static string Innermost(Exception exception)
    {
        var messages = new List<string>();
        for (Exception? e = exception; e is not null; e = e.InnerException)
        {
            messages.Add(e.Message);
        }

        return string.Join(" / ", messages.Distinct());
    }
}
