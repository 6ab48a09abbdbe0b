using System.Text.Json.Nodes;
using Xunit;

namespace OtlpGrains.Deploy.Tests;

/// <summary>
/// The dashboards of deploy/grafana, offline: each is a Grafana JSON model with its own uid and title, every panel and
/// query on the <c>${datasource}</c> variable, no empty query and no undefined variable; the metric check catches a
/// wrong name or label; and <c>kubectl kustomize deploy/grafana</c> renders them as valid sidecar ConfigMaps.
/// </summary>
public sealed class DashboardTests
{
    private static readonly string[] Expected = ["otlpgrains-anomalies.json", "otlpgrains-gateway.json", "otlpgrains-red.json", "otlpgrains-silo.json"];

    [Fact]
    public void EveryDashboardParsesWithAUniqueUidAndTitleAndNoStructuralProblem()
    {
        var dashboards = GrafanaDashboard.All();

        Assert.Equal(Expected, dashboards.Select(d => d.Name));
        Assert.Equal(dashboards.Count, dashboards.Select(d => d.Uid).Distinct(StringComparer.Ordinal).Count());
        Assert.Equal(dashboards.Count, dashboards.Select(d => d.Title).Distinct(StringComparer.Ordinal).Count());
        Assert.All(dashboards, d => Assert.NotEmpty(d.Panels));
        Assert.All(dashboards.SelectMany(d => d.Expressions), e => Assert.NotEmpty(PromQlReferences.Parse(e.Expression).Selectors));
        Assert.Empty(dashboards.SelectMany(d => d.StructureProblems()));
    }

    [Fact]
    public void ThePerServiceDashboardsLinkToEachOtherForTheSameService()
    {
        var red = GrafanaDashboard.Load(Path.Combine(GrafanaDashboard.Folder, "otlpgrains-red.json"));
        var anomalies = GrafanaDashboard.Load(Path.Combine(GrafanaDashboard.Folder, "otlpgrains-anomalies.json"));

        Assert.Contains(Links(red), url => url.StartsWith($"/d/{anomalies.Uid}?var-service=${{__field.labels.service}}", StringComparison.Ordinal));
        Assert.Contains(Links(anomalies), url => url.StartsWith($"/d/{red.Uid}?var-service=${{__field.labels.service}}", StringComparison.Ordinal));
        Assert.Contains(red.Json["links"]!.AsArray(), l => (string?)l!["url"] == $"/d/{anomalies.Uid}" && (bool?)l["includeVars"] == true);
    }

    [Fact]
    public void AStructuralMistakeIsReported()
    {
        var json = JsonNode.Parse(File.ReadAllText(Path.Combine(GrafanaDashboard.Folder, "otlpgrains-red.json")))!.AsObject();
        var panels = json["panels"]!.AsArray();
        panels[0]!["datasource"] = new JsonObject { ["type"] = "prometheus", ["uid"] = "prometheus-prod" };
        panels[1]!["targets"]![0]!["expr"] = string.Empty;
        panels[2]!["targets"]![0]!["expr"] = "sum(rate(otlpgrains_service_requests_total{cluster=~\"$cluster\"}[$__rate_interval]))";
        panels[4]!["fieldConfig"]!["defaults"]!["links"]![0]!["url"] = "/d/otlpgrains-anomalies?var-service=${__field.labels.service}&${region:queryparam}";

        var problems = GrafanaDashboard.Parse("mistaken.json", json.ToJsonString()).StructureProblems();

        Assert.Contains("mistaken.json: panel 'Requests' is not on ${datasource}", problems);
        Assert.Contains("mistaken.json: a query of panel 'Error ratio' has no expression", problems);
        Assert.Contains("mistaken.json: panel 'p99 latency' uses $cluster, which is not defined", problems);
        Assert.Contains("mistaken.json: a link uses $region, which is not defined: /d/otlpgrains-anomalies?var-service=${__field.labels.service}&${region:queryparam}", problems);
    }

    [Fact]
    public void AMetricOrLabelTheApplicationDoesNotServeFailsTheCheck()
    {
        var page = MetricsExposition.Parse(
            "# TYPE otlpgrains_service_requests_total counter\n" +
            "otlpgrains_service_requests_total{service=\"checkout\"} 3\n" +
            "# TYPE otlpgrains_gateway_requests_total counter\n" +
            "otlpgrains_gateway_requests_total{signal=\"traces\"} 3\n" +
            "# TYPE otlpgrains_service_request_duration_seconds histogram\n" +
            "otlpgrains_service_request_duration_seconds_bucket{service=\"checkout\",le=\"+Inf\"} 3\n");
        var dashboard = Dashboard(
            "sum by (service) (rate(otlpgrains_service_request_total{namespace=~\"$namespace\"}[$__rate_interval]))",
            "sum by (service) (rate(otlpgrains_gateway_requests_total{signal=~\"$signal\"}[$__rate_interval]))",
            "histogram_quantile(0.99, sum by (le, service) (rate(otlpgrains_service_request_duration_seconds_bucket{service=~\"$service\"}[$__rate_interval])))",
            "rate(otlpgrains_service_requests_total{reason=\"busy\"}[5m])",
            "max(otlpgrains_service_requests_total) / on (signal) max(otlpgrains_gateway_requests_total)");

        var problems = DashboardMetricCheck.Problems(dashboard, page);

        Assert.Equal(
            [
                "test.json: panel 'p0': otlpgrains_service_request_total is not on /metrics",
                "test.json: panel 'p1': otlpgrains_gateway_requests_total has no label service to group by",
                "test.json: panel 'p3': otlpgrains_service_requests_total has no label reason",
                "test.json: panel 'p4': otlpgrains_service_requests_total has no label signal to match on",
            ],
            problems);
    }

    [Fact]
    public void TheKustomizationRendersEachDashboardAsAValidSidecarConfigMap()
    {
        var objects = Kustomize.Render(GrafanaDashboard.Folder);

        Assert.Empty(ManifestValidator.Problems(objects));
        Assert.All(objects, o => Assert.Equal("ConfigMap", o.Kind));
        var files = objects.SelectMany(o =>
        {
            Assert.Equal("1", (string?)o.Json["metadata"]!["labels"]!["grafana_dashboard"]);
            return o.Json["data"]!.AsObject().Select(entry => (entry.Key, Text: (string)entry.Value!));
        }).ToList();
        Assert.Equal(Expected, files.Select(f => f.Key).Order(StringComparer.Ordinal));
        Assert.All(files, f => Assert.Equal(File.ReadAllText(Path.Combine(GrafanaDashboard.Folder, f.Key)), f.Text));
    }

    private static IEnumerable<string> Links(GrafanaDashboard dashboard) =>
        dashboard.Panels.SelectMany(p => (p["fieldConfig"]?["defaults"]?["links"] as JsonArray ?? []).Select(l => (string?)l!["url"] ?? string.Empty));

    private static GrafanaDashboard Dashboard(params string[] expressions)
    {
        var panels = new JsonArray();
        for (int i = 0; i < expressions.Length; i++)
        {
            panels.Add(new JsonObject
            {
                ["title"] = $"p{i}",
                ["targets"] = new JsonArray(new JsonObject { ["expr"] = expressions[i] }),
            });
        }

        return GrafanaDashboard.Parse("test.json", new JsonObject { ["panels"] = panels }.ToJsonString());
    }
}
