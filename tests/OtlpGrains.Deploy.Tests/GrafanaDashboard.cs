using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace OtlpGrains.Deploy.Tests;

/// <summary>
/// One dashboard of deploy/grafana as Grafana reads it: its uid and title, its panels (rows' panels included), each
/// panel's queries and its template variables; and what is wrong with it structurally, one line per problem.
/// </summary>
internal sealed partial class GrafanaDashboard
{
    /// <summary>Where deploy/grafana is.</summary>
    public static string Folder => Path.Combine(RepositoryPaths.Root, "deploy", "grafana");

    private GrafanaDashboard(string name, JsonObject json)
    {
        Name = name;
        Json = json;
        Panels = [.. Flatten(json["panels"] as JsonArray)];
        Variables = [.. (json["templating"]?["list"] as JsonArray ?? []).OfType<JsonObject>()];
    }

    public string Name { get; }

    public JsonObject Json { get; }

    public string? Uid => (string?)Json["uid"];

    public string? Title => (string?)Json["title"];

    public IReadOnlyList<JsonObject> Panels { get; }

    public IReadOnlyList<JsonObject> Variables { get; }

    public IEnumerable<string> VariableNames => Variables.Select(v => (string?)v["name"] ?? string.Empty);

    /// <summary>Every query's expression, with the panel it belongs to.</summary>
    public IEnumerable<(string Panel, string Expression)> Expressions =>
        Panels.SelectMany(p => (p["targets"] as JsonArray ?? []).OfType<JsonObject>().Select(t => ((string?)p["title"] ?? "?", (string?)t["expr"] ?? string.Empty)));

    /// <summary>Every <c>label_values(metric{...}, label)</c> of a query variable: the selector, as PromQL, and the label.</summary>
    public IEnumerable<(string Variable, string? Selector, string Label)> LabelValueQueries =>
        Variables.Where(v => (string?)v["type"] == "query").Select(v =>
        {
            string query = (string?)v["query"]?["query"] ?? (string?)v["definition"] ?? string.Empty;
            Match match = LabelValues().Match(query);
            if (!match.Success)
            {
                throw new FormatException($"{Name}: variable {(string?)v["name"]} is not label_values(...): {query}");
            }

            return ((string)v["name"]!, match.Groups["selector"].Success ? match.Groups["selector"].Value.Trim() : null, match.Groups["label"].Value);
        });

    public static GrafanaDashboard Load(string path) => Parse(Path.GetFileName(path), File.ReadAllText(path));

    public static GrafanaDashboard Parse(string name, string text) =>
        new(name, JsonNode.Parse(text) as JsonObject ?? throw new FormatException($"{name}: not a JSON object"));

    /// <summary>The dashboards deploy/grafana holds.</summary>
    public static IReadOnlyList<GrafanaDashboard> All() =>
        [.. Directory.GetFiles(Folder, "*.json").Order(StringComparer.Ordinal).Select(Load)];

    /// <summary>
    /// What Grafana or an SRE would trip on: no uid or title, a panel or query not on <c>${datasource}</c>, an empty
    /// query, a variable used but not defined, no <c>datasource</c> variable of type prometheus.
    /// </summary>
    public IReadOnlyList<string> StructureProblems()
    {
        var problems = new List<string>();
        if (string.IsNullOrWhiteSpace(Uid) || string.IsNullOrWhiteSpace(Title))
        {
            problems.Add($"{Name}: no uid or no title");
        }

        if ((int?)Json["schemaVersion"] is not >= 36)
        {
            problems.Add($"{Name}: schemaVersion {(int?)Json["schemaVersion"]} is older than the ${{datasource}} uid form (36)");
        }

        if (!Variables.Any(v => (string?)v["name"] == "datasource" && (string?)v["type"] == "datasource" && (string?)v["query"] == "prometheus"))
        {
            problems.Add($"{Name}: no template variable 'datasource' of type datasource for prometheus");
        }

        var defined = VariableNames.ToHashSet(StringComparer.Ordinal);
        foreach (JsonObject variable in Variables.Where(v => (string?)v["type"] == "query"))
        {
            if (!IsDatasourceVariable(variable["datasource"]))
            {
                problems.Add($"{Name}: variable {(string?)variable["name"]} does not query ${{datasource}}");
            }

            string query = (string?)variable["query"]?["query"] ?? string.Empty;
            problems.AddRange(PromQlReferences.ParseVariables(query).Where(v => !defined.Contains(v))
                .Select(v => $"{Name}: variable {(string?)variable["name"]} uses ${v}, which is not defined"));
        }

        foreach (JsonObject panel in Panels)
        {
            string title = (string?)panel["title"] ?? "?";
            if (!IsDatasourceVariable(panel["datasource"]))
            {
                problems.Add($"{Name}: panel '{title}' is not on ${{datasource}}");
            }

            if (string.IsNullOrWhiteSpace((string?)panel["description"]))
            {
                problems.Add($"{Name}: panel '{title}' has no description");
            }

            var targets = (panel["targets"] as JsonArray ?? []).OfType<JsonObject>().ToList();
            if (targets.Count == 0)
            {
                problems.Add($"{Name}: panel '{title}' has no query");
            }

            foreach (JsonObject target in targets)
            {
                string expression = (string?)target["expr"] ?? string.Empty;
                if (!IsDatasourceVariable(target["datasource"]))
                {
                    problems.Add($"{Name}: a query of panel '{title}' is not on ${{datasource}}");
                }

                if (string.IsNullOrWhiteSpace(expression))
                {
                    problems.Add($"{Name}: a query of panel '{title}' has no expression");
                    continue;
                }

                problems.AddRange(PromQlReferences.ParseVariables(expression).Where(v => !defined.Contains(v))
                    .Select(v => $"{Name}: panel '{title}' uses ${v}, which is not defined"));
            }
        }

        // Links carry variables to the dashboard they open: each must be one this dashboard defines.
        foreach (string url in Urls(Json))
        {
            problems.AddRange(PromQlReferences.ParseVariables(url).Where(v => !defined.Contains(v))
                .Select(v => $"{Name}: a link uses ${v}, which is not defined: {url}"));
        }

        return problems;
    }

    private static IEnumerable<string> Urls(JsonNode? node) => node switch
    {
        JsonObject o => o.SelectMany(p => p.Key == "url" && p.Value is JsonValue v && v.TryGetValue(out string? url) ? [url] : Urls(p.Value)),
        JsonArray a => a.SelectMany(Urls),
        _ => [],
    };

    private static bool IsDatasourceVariable(JsonNode? datasource) =>
        datasource is JsonObject ds && (string?)ds["uid"] == "${datasource}" && (string?)ds["type"] == "prometheus";

    private static IEnumerable<JsonObject> Flatten(JsonArray? panels)
    {
        foreach (JsonObject panel in (panels ?? []).OfType<JsonObject>())
        {
            if ((string?)panel["type"] == "row")
            {
                foreach (JsonObject inner in Flatten(panel["panels"] as JsonArray))
                {
                    yield return inner;
                }
            }
            else
            {
                yield return panel;
            }
        }
    }

    [GeneratedRegex(@"^\s*label_values\(\s*(?:(?<selector>.+?)\s*,\s*)?(?<label>[A-Za-z_][A-Za-z0-9_]*)\s*\)\s*$")]
    private static partial Regex LabelValues();
}
