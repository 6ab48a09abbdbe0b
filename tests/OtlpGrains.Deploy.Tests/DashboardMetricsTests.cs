using System.Diagnostics;
using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using OpenTelemetry;
using OpenTelemetry.Exporter;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;
using OtlpGrains.TestSupport;
using Xunit;

namespace OtlpGrains.Deploy.Tests;

/// <summary>
/// The dashboards read only what the application serves: a silo in durable mode (a throwaway PostgreSQL), with TLS
/// on its OTLP/gRPC listener, gets real OTLP from the OpenTelemetry SDK's exporter (two services, one failing request) and one refused request,
/// and its <c>/metrics</c> page must hold every series and label the dashboards' queries and variables use. A
/// dashboard with one wrong name must fail.
/// </summary>
public sealed class DashboardMetricsTests(PostgresFixture postgres) : IClassFixture<PostgresFixture>
{
    private static readonly TimeSpan StartPatience = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan SeriesPatience = TimeSpan.FromSeconds(15);

    [Fact]
    public async Task EverySeriesAndLabelTheDashboardsReadIsOnARunningSilosMetricsPage()
    {
        // Durable mode, as in production, so that the storage series are served; and TLS on the OTLP/gRPC listener
        // only, so that the TLS series are, while the test's OTLP/HTTP and scrapes stay plain.
        using var ca = await OpensslTestCa.CreateTemporaryAsync("dashboards");
        var server = ca.IssueServer("server");
        await using var silo = LoopbackSilo.Start(new Dictionary<string, string>
        {
            ["OtlpGrains__Storage__Provider"] = "postgres",
            ["OtlpGrains__Storage__ConnectionString"] = postgres.ConnectionString,
            ["OtlpGrains__Tls__CertificatePath"] = server.CertificatePath,
            ["OtlpGrains__Tls__KeyPath"] = server.KeyPath,
            ["OtlpGrains__Tls__OtlpHttp"] = "false",
            ["OtlpGrains__Tls__Api"] = "false",
        });
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        await silo.WaitAsync(async () => (await http.GetAsync(new Uri(silo.Api, "/readyz"))).IsSuccessStatusCode, StartPatience, "ready");

        Assert.True(ExportTraces(silo.OtlpHttp), $"the SDK's export failed:\n{silo.Output}");
        using (var refused = await http.PostAsync(new Uri(silo.OtlpHttp, "/v1/traces"), new StringContent("not otlp", Encoding.UTF8, "text/plain")))
        {
            Assert.Equal(HttpStatusCode.UnsupportedMediaType, refused.StatusCode);
        }

        string text = string.Empty;
        await silo.WaitAsync(
            async () =>
            {
                text = await http.GetStringAsync(new Uri(silo.Api, "/metrics"));
                return text.Contains("otlpgrains_service_errors_total{service=\"checkout\"} 1", StringComparison.Ordinal) &&
                       text.Contains("otlpgrains_service_anomaly_severity{service=\"cart\"}", StringComparison.Ordinal);
            },
            SeriesPatience,
            "serving both services' series");
        var page = MetricsExposition.Parse(text);

        Assert.Contains("otlpgrains_gateway_refused_requests_total{reason=\"unsupported_media_type\",signal=\"traces\"} 1", text, StringComparison.Ordinal);
        var dashboards = GrafanaDashboard.All();
        Assert.Empty(dashboards.SelectMany(d => DashboardMetricCheck.Problems(d, page)));

        // The same check on the RED dashboard with one metric misspelt and one grouping by a label that series lacks.
        var red = dashboards.Single(d => d.Uid == "otlpgrains-red");
        string broken = red.Json.ToJsonString()
            .Replace("rate(otlpgrains_service_late_spans_total", "rate(otlpgrains_service_late_span_total", StringComparison.Ordinal)
            .Replace("sum by (service) (rate(otlpgrains_service_errors_total", "sum by (signal) (rate(otlpgrains_service_errors_total", StringComparison.Ordinal);
        var problems = DashboardMetricCheck.Problems(GrafanaDashboard.Parse("broken-red.json", broken), page);
        Assert.Contains("broken-red.json: panel 'Late spans by service': otlpgrains_service_late_span_total is not on /metrics", problems);
        Assert.Contains("broken-red.json: panel 'Error ratio by service': otlpgrains_service_errors_total has no label signal to group by", problems);
    }

    /// <summary>Two services through the SDK's OTLP/HTTP exporter: checkout's server span fails, and calls cart.</summary>
    private static bool ExportTraces(Uri otlpHttp)
    {
        using var checkout = new ActivitySource("dashboards.checkout");
        using var cart = new ActivitySource("dashboards.cart");
        bool Export(ActivitySource source, string service, Action<ActivitySource> spans)
        {
            using var provider = Sdk.CreateTracerProviderBuilder()
                .SetResourceBuilder(ResourceBuilder.CreateEmpty().AddService(service))
                .AddSource(source.Name)
                .AddOtlpExporter(o =>
                {
                    o.Protocol = OtlpExportProtocol.HttpProtobuf;
                    o.Endpoint = new Uri(otlpHttp, "/v1/traces");
                    o.TimeoutMilliseconds = 5_000;
                })
                .Build();
            spans(source);
            return provider.ForceFlush(10_000);
        }

        var start = DateTime.UtcNow.AddSeconds(-2);
        ActivityContext parent = default;
        bool sent = Export(checkout, "checkout", source =>
        {
            using var server = source.StartActivity("POST /checkout", ActivityKind.Server, default(ActivityContext), startTime: start)!;
            server.SetStatus(ActivityStatusCode.Error);
            using (var client = source.StartActivity("POST /cart", ActivityKind.Client, server.Context, startTime: start.AddMilliseconds(2))!)
            {
                parent = client.Context;
                client.SetEndTime(start.AddMilliseconds(30));
            }

            server.SetEndTime(start.AddMilliseconds(40));
        });
        return sent && Export(cart, "cart", source =>
        {
            using var server = source.StartActivity("POST /cart", ActivityKind.Server, parent, startTime: start.AddMilliseconds(5))!;
            server.SetEndTime(start.AddMilliseconds(25));
        });
    }
}
