namespace OtlpGrains.Deploy.Tests;

/// <summary>
/// A <c>/metrics</c> page in the Prometheus text format, read as the set of sample names (histograms as their
/// <c>_bucket</c>, <c>_sum</c> and <c>_count</c> series) with the labels each carries, and the declared type of each
/// family.
/// </summary>
internal sealed class MetricsExposition
{
    /// <summary>
    /// Labels Prometheus adds to every series from the target (the Prometheus Operator adds all of these), which
    /// dashboards may select and group on though the page never shows them.
    /// </summary>
    public static readonly IReadOnlySet<string> TargetLabels = new HashSet<string>(StringComparer.Ordinal)
    {
        "job", "instance", "namespace", "pod", "container", "endpoint",
    };

    private readonly Dictionary<string, HashSet<string>> _labels = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string> _types = new(StringComparer.Ordinal);

    public IReadOnlyCollection<string> Names => _labels.Keys;

    public static MetricsExposition Parse(string text)
    {
        var page = new MetricsExposition();
        foreach (string raw in text.Split('\n'))
        {
            string line = raw.Trim();
            if (line.StartsWith("# TYPE ", StringComparison.Ordinal))
            {
                string[] parts = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
                page._types[parts[2]] = parts[3];
                continue;
            }

            if (line.Length == 0 || line[0] == '#')
            {
                continue;
            }

            int brace = line.IndexOf('{', StringComparison.Ordinal);
            int space = line.IndexOf(' ', StringComparison.Ordinal);
            string name = brace >= 0 && brace < space ? line[..brace] : line[..space];
            if (!page._labels.TryGetValue(name, out var labels))
            {
                page._labels[name] = labels = new HashSet<string>(StringComparer.Ordinal);
            }

            if (brace >= 0 && brace < space)
            {
                labels.UnionWith(LabelNames(line[(brace + 1)..line.LastIndexOf('}')]));
            }
        }

        return page;
    }

    public bool Has(string name) => _labels.ContainsKey(name);

    /// <summary>Whether the series <paramref name="name"/> carries <paramref name="label"/> (a target label always counts).</summary>
    public bool HasLabel(string name, string label) =>
        TargetLabels.Contains(label) || (_labels.TryGetValue(name, out var labels) && labels.Contains(label));

    /// <summary>The declared type of the family a series belongs to (<c>histogram</c> for <c>x_bucket</c> of histogram x).</summary>
    public string? TypeOf(string name)
    {
        if (_types.TryGetValue(name, out var type))
        {
            return type;
        }

        foreach (string suffix in new[] { "_bucket", "_sum", "_count" })
        {
            if (name.EndsWith(suffix, StringComparison.Ordinal) && _types.TryGetValue(name[..^suffix.Length], out var family))
            {
                return family;
            }
        }

        return null;
    }

    private static IEnumerable<string> LabelNames(string pairs)
    {
        int i = 0;
        while (i < pairs.Length)
        {
            int equals = pairs.IndexOf('=', i);
            if (equals < 0)
            {
                yield break;
            }

            yield return pairs[i..equals].Trim(' ', ',');

            // Skip the quoted value, with its escapes.
            int at = pairs.IndexOf('"', equals) + 1;
            while (at < pairs.Length && pairs[at] != '"')
            {
                at += pairs[at] == '\\' ? 2 : 1;
            }

            i = at + 1;
        }
    }
}
