namespace OtlpGrains.Deploy.Tests;

/// <summary>
/// Checks a dashboard's queries against what the application serves on <c>/metrics</c>: every series a query or a
/// variable reads must be on the page (histogram buckets from a histogram, rates from counters), and every label a
/// matcher, a <c>by (...)</c>, an <c>on (...)</c> or a <c>label_values</c> names must be on the series it applies to,
/// unless Prometheus adds it from the target.
/// </summary>
internal static class DashboardMetricCheck
{
    public static IReadOnlyList<string> Problems(GrafanaDashboard dashboard, MetricsExposition page)
    {
        var problems = new List<string>();
        foreach (var (panel, expression) in dashboard.Expressions)
        {
            Check($"{dashboard.Name}: panel '{panel}'", expression, page, problems);
        }

        foreach (var (variable, selector, label) in dashboard.LabelValueQueries)
        {
            string where = $"{dashboard.Name}: variable {variable}";
            if (selector is null)
            {
                problems.Add($"{where}: label_values without a metric reads every series; name one");
                continue;
            }

            var references = Check(where, selector, page, problems);
            foreach (var (metric, _) in references?.Selectors ?? [])
            {
                if (page.Has(metric) && !page.HasLabel(metric, label))
                {
                    problems.Add($"{where}: {metric} has no label {label}");
                }
            }
        }

        return problems;
    }

    private static PromQlReferences? Check(string where, string expression, MetricsExposition page, List<string> problems)
    {
        PromQlReferences references;
        try
        {
            references = PromQlReferences.Parse(expression);
        }
        catch (FormatException exception)
        {
            problems.Add($"{where}: {exception.Message}");
            return null;
        }

        foreach (var (metric, labels) in references.Selectors)
        {
            if (!page.Has(metric))
            {
                problems.Add($"{where}: {metric} is not on /metrics");
                continue;
            }

            if (metric.EndsWith("_bucket", StringComparison.Ordinal) && page.TypeOf(metric) != "histogram")
            {
                problems.Add($"{where}: {metric} is not a histogram's buckets");
            }

            problems.AddRange(labels.Where(l => !page.HasLabel(metric, l)).Select(l => $"{where}: {metric} has no label {l}"));
        }

        foreach (var (labels, selectors) in references.Groupings)
        {
            foreach (string metric in selectors.Select(i => references.Selectors[i].Metric).Where(page.Has).Distinct())
            {
                problems.AddRange(labels.Where(l => !page.HasLabel(metric, l)).Select(l => $"{where}: {metric} has no label {l} to group by"));
            }
        }

        foreach (string label in references.MatchingLabels.Distinct())
        {
            foreach (string metric in references.Selectors.Select(s => s.Metric).Where(page.Has).Distinct())
            {
                if (!page.HasLabel(metric, label))
                {
                    problems.Add($"{where}: {metric} has no label {label} to match on");
                }
            }
        }

        return references;
    }
}
