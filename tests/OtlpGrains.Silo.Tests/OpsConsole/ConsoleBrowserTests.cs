using System.Globalization;
using System.Text.Json;
using OpenQA.Selenium;
using OtlpGrains.Hosting;
using OtlpGrains.Silo.Tests.Security;
using Xunit;

namespace OtlpGrains.Silo.Tests.OpsConsole;

/// <summary>
/// The console in headless Chromium against a real silo process with API keys, fed by the load tool's error fault:
/// the page asks for a key, the map shows the services and their edges with the faulty one red, the open incident's
/// likeliest cause is the faulty service, an evidence item opens its window chart, a trace item the kept trace of a
/// failed request, a log exemplar opens its kept trace, and the browser logs no error. Each page is saved to artifacts/console.
/// </summary>
public sealed class ConsoleBrowserTests
{
    private const int Services = 5;
    private const int FaultService = 2;
    private static readonly TimeSpan Patience = TimeSpan.FromMinutes(2);

    [Fact]
    public async Task ErrorFaultShowsOnTheMapAsAnIncidentWithItsCauseEvidenceAndTrace()
    {
        int[] ports = LoopbackPorts.Take(5);
        await using var silo = SiloProcess.StartInMemory(ports, KeyEnvironment());
        await silo.WaitReadyAsync(TimeSpan.FromSeconds(90));

        // 40 minutes of event time in a minute, over one stream so that a starved machine delays requests but never
        // reorders them past a window's close. The fault is its last 10 minutes (60 windows, 15 s of wall time); the
        // 180 windows before it leave the thresholds their 100 scores for a first verdict after the baseline's warm-up.
        string runId = "ui" + Guid.NewGuid().ToString("N")[..6];
        await LoadToolProcess.RunOkAsync(
            "--endpoint", $"http://127.0.0.1:{silo.GrpcPort}",
            "--header", $"authorization=Bearer {SecuredSilo.Secrets["collector"]}",
            "--api", $"http://127.0.0.1:{silo.ApiPort}",
            "--api-header", $"authorization=Bearer {SecuredSilo.Secrets["reader"]}",
            "--streams", "1", "--rate", "30", "--duration", "180",
            "--services", Services.ToString(CultureInfo.InvariantCulture),
            "--run-id", runId, "--event-start", "2400", "--speed", "40",
            "--fault", "errors", "--fault-service", FaultService.ToString(CultureInfo.InvariantCulture), "--fault-after", "1800");
        string faulty = $"load-{runId}-svc-{FaultService:D2}";
        await CriticalThroughApiAsync(silo, faulty);
        string traceId = await ConsoleTelemetry.SendFailedCheckoutAsync(new Uri($"http://127.0.0.1:{silo.HttpPort}"), SecuredSilo.Secrets["collector"]);

        using var browser = new HeadlessChromium();
        browser.Open(new Uri($"http://127.0.0.1:{silo.ApiPort}/ui"));
        browser.WaitFor("#key-input", Patience, e => e.Displayed).SendKeys(SecuredSilo.Secrets["reader"] + Keys.Enter);

        // The map: every load service, edges between them, and the faulty service red.
        browser.WaitFor($"#service-map g.node[data-service='{faulty}'][data-status='critical']", Patience);
        browser.Until(() => browser.Driver.FindElements(By.CssSelector($"#service-map g.node[data-service^='load-{runId}-']")).Count >= Services ? "all" : null, Patience, $"{Services} load services on the map");
        Assert.NotEmpty(browser.Driver.FindElements(By.CssSelector($"#service-map g.edge[data-edge^='load-{runId}-']")));
        Assert.Equal("critical", browser.WaitFor($"#services-table tr[data-service='{faulty}']", Patience).GetAttribute("class"));

        // The open incident, with the faulty service as its likeliest cause.
        // The fault runs to the end of the load, so the incident is still open.
        string incident = browser.WaitFor("#open-incidents li.incident", Patience, e => e.FindElements(By.CssSelector(".top-cause")).Any(c => c.Text == faulty)).GetAttribute("data-incident")!;
        browser.Screenshot("overview");

        // A neighbourhood: a click on a node keeps it and its callers and callees.
        browser.Click($"#service-map g.node[data-service='{faulty}']", Patience);
        browser.WaitFor("#whole-map", Patience, e => e.Displayed);
        browser.Until(() => browser.Driver.FindElements(By.CssSelector("#service-map g.node")).Count < Services + 3 ? "zoomed" : null, Patience, "the faulty service's neighbourhood only");
        browser.Click("#whole-map", Patience);

        browser.Click($"#open-incidents li.incident[data-incident='{incident}'] a", Patience);
        Assert.Equal(faulty, browser.WaitFor("#root-causes li.cause", Patience).GetAttribute("data-service"));
        browser.WaitFor(".timeline .mark.detected", Patience);
        browser.Screenshot("incident");

        // An evidence item opens what backs it: here the service's window chart over the incident, anomalies marked.
        browser.Click("#root-causes li.cause:first-child .evidence li[data-kind='anomaly'] a.evidence-link", Patience);
        browser.WaitFor("#chart-errors", Patience);
        browser.WaitFor("#chart-errors .anomaly-band", Patience);
        Assert.Contains($"#/services/{faulty}?from=", browser.Driver.Url, StringComparison.Ordinal);
        Assert.Equal("critical", browser.WaitFor("#service-status", Patience).Text);
        browser.WaitFor("#request-traces tr.critical a.trace-link", Patience);
        browser.Screenshot("service");

        // A trace item opens the kept trace of one of the faulty service's failed requests.
        browser.Open(new Uri($"http://127.0.0.1:{silo.ApiPort}/ui#/incidents/{Uri.EscapeDataString(incident)}"));
        browser.Click("#root-causes li.cause:first-child .evidence li[data-kind='trace'] a.evidence-link", Patience);
        browser.WaitFor("#waterfall g.span", Patience);
        Assert.Contains("#/traces/", browser.Driver.Url, StringComparison.Ordinal);
        Assert.Contains(browser.Driver.FindElements(By.CssSelector("#waterfall g.span.error text")), e => e.Text.Contains(faulty, StringComparison.Ordinal));

        // A log exemplar opens its kept trace: the waterfall, its critical path and its errors, a span's details.
        browser.Open(new Uri($"http://127.0.0.1:{silo.ApiPort}/ui#/services/{ConsoleTelemetry.Payments}"));
        browser.Click("#log-templates a.trace-link", Patience);
        browser.WaitFor("#waterfall g.span", Patience);
        Assert.Contains($"#/traces/{traceId}", browser.Driver.Url, StringComparison.Ordinal);
        Assert.Equal(4, browser.Driver.FindElements(By.CssSelector("#waterfall g.span")).Count);
        Assert.Equal(await CriticalPathAsync(silo, traceId), browser.Driver.FindElements(By.CssSelector("#waterfall g.span.critical-path")).Select(e => e.GetAttribute("data-span")).Order(StringComparer.Ordinal));
        Assert.NotEmpty(browser.Driver.FindElements(By.CssSelector("#waterfall g.span.error")));
        browser.Driver.FindElements(By.CssSelector("#waterfall g.span"))[2].Click();
        Assert.Contains(ConsoleTelemetry.Payments, browser.WaitFor("#span-details table", Patience).Text, StringComparison.Ordinal);

        // With the attributes the span was sent with.
        var spanId = browser.Driver.FindElements(By.CssSelector("#waterfall g.span"))[2].GetAttribute("data-span");
        var sent = await SpanAttributesAsync(silo, traceId, spanId!);
        Assert.Contains(sent, a => a is "http.request.method=POST" or "db.system.name=postgresql");
        Assert.Equal(sent, browser.Driver.FindElements(By.CssSelector("#span-attributes tr")).Select(r => r.GetAttribute("data-key") + "=" + r.FindElement(By.TagName("td")).Text).Order(StringComparer.Ordinal));
        browser.Screenshot("trace");

        browser.AssertNoConsoleErrors();
    }

    /// <summary>
    /// Waits until the API calls the faulty service critical, before any page is judged: when it does not, the failure
    /// names what the API saw (the service's summary and its anomalies), not only that the map never turned red.
    /// </summary>
    private static async Task CriticalThroughApiAsync(SiloProcess silo, string faulty)
    {
        using var http = new HttpClient { BaseAddress = silo.ApiEndpoint };
        http.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", SecuredSilo.Secrets["reader"]);
        var deadline = DateTime.UtcNow + Patience;
        string summary = "none";
        while (DateTime.UtcNow < deadline)
        {
            using var services = JsonDocument.Parse(await http.GetStringAsync(new Uri("/api/v1/services", UriKind.Relative)));
            var service = services.RootElement.GetProperty("services").EnumerateArray()
                .FirstOrDefault(s => s.GetProperty("name").GetString() == faulty);
            if (service.ValueKind == JsonValueKind.Object)
            {
                summary = service.GetRawText();
                if (service.GetProperty("status").GetString() == "critical")
                {
                    return;
                }
            }

            await Task.Delay(500);
        }

        string anomalies = await http.GetStringAsync(new Uri($"/api/v1/anomalies?service={Uri.EscapeDataString(faulty)}", UriKind.Relative));
        Assert.Fail($"the API did not call {faulty} critical within {Patience.TotalSeconds:0} s; its summary: {summary}; its anomalies: {anomalies}");
    }

    /// <summary>A span's attributes as the API gives them, <c>key=value</c> in order of key.</summary>
    private static async Task<string[]> SpanAttributesAsync(SiloProcess silo, string traceId, string spanId)
    {
        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{silo.ApiPort}") };
        http.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", SecuredSilo.Secrets["reader"]);
        using var trace = JsonDocument.Parse(await http.GetStringAsync(new Uri($"/api/v1/traces/{traceId}", UriKind.Relative)));
        var span = trace.RootElement.GetProperty("spans").EnumerateArray().Single(s => s.GetProperty("spanId").GetString() == spanId);
        return [.. span.GetProperty("attributes").EnumerateArray().Select(a => a.GetProperty("key").GetString() + "=" + a.GetProperty("value").GetString()).Order(StringComparer.Ordinal)];
    }

    /// <summary>The trace's critical path as the API gives it (span ids, in order of id).</summary>
    private static async Task<string[]> CriticalPathAsync(SiloProcess silo, string traceId)
    {
        using var http = new HttpClient { BaseAddress = silo.ApiEndpoint };
        http.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", SecuredSilo.Secrets["reader"]);
        using var trace = JsonDocument.Parse(await http.GetStringAsync(new Uri($"/api/v1/traces/{traceId}", UriKind.Relative)));
        return [.. trace.RootElement.GetProperty("criticalPath").EnumerateArray().Select(e => e.GetString()!).Order(StringComparer.Ordinal)];
    }

    /// <summary>The silo's API keys (one per role, as <see cref="SecuredSilo"/> has them) as environment settings.</summary>
    internal static Dictionary<string, string> KeyEnvironment() =>
        SecuredSilo.KeySettings().Select(a => a[2..].Split('=', 2)).ToDictionary(p => p[0].Replace(":", "__", StringComparison.Ordinal), p => p[1]);
}
