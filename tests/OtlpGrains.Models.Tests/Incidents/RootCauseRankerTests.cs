using OtlpGrains.Interfaces;
using OtlpGrains.Models.Incidents;
using OtlpGrains.Models.Statistics;
using Xunit;

namespace OtlpGrains.Models.Tests.Incidents;

/// <summary>Rankings on small graphs whose answer is known.</summary>
public sealed class RootCauseRankerTests
{
    private static readonly DateTimeOffset T0 = new(2026, 12, 4, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public void ASlowLeafIsFirst()
    {
        // frontend -> checkout -> payment; payment is slow, and its callers with it.
        Graph graph = new(("frontend", "checkout"), ("checkout", "payment"));
        Incident incident = IncidentOf(("frontend", 1, "p99"), ("checkout", 1, "p99"), ("payment", 0, "p99"));

        RootCause[] ranked = RootCauseRanker.Rank(incident, graph.Callees);

        Assert.Equal(["payment", "checkout", "frontend"], ranked.Select(c => c.Service));
        Assert.Contains(ranked[0].Evidence, e => e.Kind == "callees" && e.Summary == "calls no other service: the anomaly starts here");
        Assert.Contains(ranked[0].Evidence, e => e.Kind == "callers" && e.Summary == "2 of the incident's other 2 services call it, directly or not");
        Assert.Contains(ranked[0].Evidence, e => e.Kind == "onset" && e.Summary == "its anomaly began first, at 12:00:00");
        Assert.Equal("p99 anomalous (critical, score 0.90) from 12:00:00", ranked[0].Evidence[0].Summary);
        Assert.Contains(ranked[2].Evidence, e => e.Kind == "callees" && e.Summary == "its callee checkout is anomalous too, and may explain it");
    }

    [Fact]
    public void AnEarlierBlipThatNoneOfTheOthersCallsGetsNoCreditForComingFirst()
    {
        // gateway -> frontend -> basic -> station, and gateway -> audit: audit blips a window before basic's code path
        // changes; basic's caller suffers with it. Nothing in the incident calls audit (the gateway, which does, is
        // fine), so its head start is a coincidence.
        Graph graph = new(("gateway", "frontend"), ("frontend", "basic"), ("basic", "station"), ("gateway", "audit"));
        Incident incident = IncidentOf(("audit", 0, "pattern 1->2"), ("basic", 1, "pattern 4->5"), ("frontend", 2, "errorRatio"));

        RootCause[] ranked = RootCauseRanker.Rank(incident, graph.Callees);

        Assert.Equal("basic", ranked[0].Service);
        RootCause audit = ranked.Single(c => c.Service == "audit");
        Assert.Contains(audit.Evidence, e => e.Kind == "onset" && e.Summary == "its anomaly began first, at 12:00:00, but none of the incident's other services calls it, directly or not");
    }

    [Fact]
    public void AnErroringMiddleTierIsFirstAndItsHealthyCalleeIsNotInIt()
    {
        Graph graph = new(("frontend", "checkout"), ("checkout", "payment"), ("checkout", "cart"));
        Incident incident = IncidentOf(("frontend", 0, "errorRatio"), ("checkout", 0, "errorRatio"));

        RootCause[] ranked = RootCauseRanker.Rank(incident, graph.Callees);

        Assert.Equal("checkout", ranked[0].Service);
        Assert.Contains(ranked[0].Evidence, e => e.Summary == "none of its 2 callees is anomalous in a way that travels up a call: the anomaly starts here");
    }

    [Fact]
    public void ACascadeRootTwoHopsDownWinsOverATrafficDropBesideIt()
    {
        // gateway -> orders -> inventory (the root); orders also calls notifications, whose traffic drops because
        // orders fails: a consequence, not a cause.
        Graph graph = new(("gateway", "orders"), ("orders", "inventory"), ("orders", "notifications"));
        Incident incident = IncidentOf(("gateway", 2, "p95"), ("orders", 1, "p99"), ("inventory", 0, "p50"), ("notifications", 1, "rate"));

        RootCause[] ranked = RootCauseRanker.Rank(incident, graph.Callees);

        Assert.Equal("inventory", ranked[0].Service);
        Assert.Equal("notifications", ranked[^1].Service);
        Assert.Contains(ranked[^1].Evidence, e => e.Summary == "only its traffic changed, which a failing caller can cause");
    }

    [Fact]
    public void ACpuStarvedServiceAboveAHealthyDatabaseIsFirst()
    {
        // search is CPU-starved: every percentile rises; its database is fine; the frontend waits on it.
        Graph graph = new(("frontend", "search"), ("search", "postgresql"), ("frontend", "catalog"));
        Incident incident = IncidentOf(("frontend", 1, "p95"), ("search", 0, "p50"), ("search", 0, "p99"));

        RootCause[] ranked = RootCauseRanker.Rank(incident, graph.Callees);

        Assert.Equal(["search", "frontend"], ranked.Select(c => c.Service));
        Assert.Equal("p50, p99 anomalous (critical, score 0.90) from 12:00:00", ranked[0].Evidence[0].Summary);
    }

    [Fact]
    public void AServiceWhoseOnlyAnomalyIsASaturatedCpuExplainsItsSlowCallers()
    {
        // verification's pod is pinned at its CPU limit; auth, which calls it, and the frontend slow down with it.
        Graph graph = new(("frontend", "auth"), ("auth", "verification"), ("auth", "users"));
        Incident incident = IncidentOf(("verification", 0, "saturation k8s.pod.cpu_limit_utilization"), ("auth", 1, "p95"), ("frontend", 1, "p99"));

        RootCause[] ranked = RootCauseRanker.Rank(incident, graph.Callees);

        Assert.Equal(["verification", "auth", "frontend"], ranked.Select(c => c.Service));
        Assert.Contains(ranked[0].Evidence, e => e.Kind == "saturation" && e.Summary == "k8s.pod.cpu_limit_utilization at 80% of its limit or more: a saturated resource slows all the service does");
        Assert.Contains(ranked[1].Evidence, e => e.Summary == "its callee verification is anomalous too, and may explain it");
    }

    [Fact]
    public void ASlowDatabaseNobodyInstrumentsIsBlamedThroughItsCallersEdges()
    {
        Graph graph = new(("frontend", "orders"), ("orders", "postgresql"), ("orders", "inventory"));
        Incident incident = IncidentOf(("frontend", 1, "p99"), ("orders", 0, "p99"));
        var evidence = new Dictionary<string, ServiceEvidence>
        {
            ["orders"] = new("orders", Stats(1000, 0, 420, 1000, 0, 40),
                [new("inventory", false, Stats(1000, 0, 12, 1000, 0, 11)), new("postgresql", true, Stats(1000, 0, 400, 1000, 0, 20))],
                [new(4, "query timeout on <*>", "ERROR", 30, 0)]),
        };

        RootCause[] ranked = RootCauseRanker.Rank(incident, graph.Callees, s => evidence.GetValueOrDefault(s));

        Assert.Equal("postgresql", ranked[0].Service);
        Assert.Contains(ranked[0].Evidence, e => e.Summary == "calls from orders: p99 20 ms -> 400 ms (1000 calls)");
        RootCause orders = ranked.Single(c => c.Service == "orders");
        Assert.Contains(orders.Evidence, e => e.Summary == "its callee postgresql is anomalous too, and may explain it");
        Assert.Contains(orders.Evidence, e => e.Summary == "log template \"query timeout on <*>\" (ERROR): 30 in the incident, 0 before");
    }

    [Fact]
    public void ACallerWhoseEveryEdgeSlowedIsItselfTheCause()
    {
        // search's CPU is starved: all its client spans, measured in search, look slower.
        Graph graph = new(("frontend", "search"), ("search", "postgresql"), ("search", "redis"));
        Incident incident = IncidentOf(("frontend", 1, "p99"), ("search", 0, "p99"));
        var evidence = new Dictionary<string, ServiceEvidence>
        {
            ["search"] = new("search", Stats(1000, 0, 900, 1000, 0, 60),
                [new("postgresql", true, Stats(1000, 0, 300, 1000, 0, 30)), new("redis", true, Stats(1000, 0, 50, 1000, 0, 2))], []),
        };

        RootCause[] ranked = RootCauseRanker.Rank(incident, graph.Callees, s => evidence.GetValueOrDefault(s));

        Assert.Equal(["search", "frontend"], ranked.Select(c => c.Service));
        Assert.Contains(ranked[0].Evidence, e => e.Summary == "its requests: p99 60 ms -> 900 ms (1000 calls)");
    }

    [Fact]
    public void AChangedCodePathBelowAnErroringCallerIsFirstAndSaidInWords()
    {
        // travel calls basic; basic returns a wrong value (no error, no latency), travel fails on it.
        Graph graph = new(("gateway", "travel"), ("travel", "basic"));
        Incident incident = IncidentOf(("travel", 0, "errorRatio"), ("basic", 0, "pattern 4->26"));
        var evidence = new Dictionary<string, ServiceEvidence>
        {
            ["basic"] = new("basic", Stats(300, 0, 12, 3000, 0, 12), [], [])
            {
                Paths = [new PathShift("query <*> start", "query <*> done", 2, 40, 0.98, 41.5), new PathShift("span GET /basic", "query <*> start", 30, 40, 0.99, 12) { Operation = "GET /basic" }],
                Metrics = [new MetricShift("CpuUsageRate", 9.5, 2.1, 7.4)],
            },
        };

        RootCause[] ranked = RootCauseRanker.Rank(incident, graph.Callees, s => evidence.GetValueOrDefault(s));

        Assert.Equal(["basic", "travel"], ranked.Select(c => c.Service));
        Assert.Equal(("GET /basic", null), (ranked[0].Operation, ranked[1].Operation));
        Assert.Contains(ranked[0].Evidence, e => e.Kind == "paths" && e.Summary == "code path changed: after \"query <*> start\", \"query <*> done\" followed 2 of 40 spans (5%), usually 98%");
        Assert.Contains(ranked[0].Evidence, e => e.Kind == "metrics" && e.Summary == "CpuUsageRate: 9.5 in the incident, usually 2.1 (7.4 spreads)");
        Assert.Contains(ranked[1].Evidence, e => e.Summary == "its callee basic is anomalous too, and may explain it");
    }

    [Fact]
    public void ACalleeWhoseAnomalyBeganMinutesLaterDoesNotExplainItsCaller()
    {
        // payments fails from the start; ledger, which it calls, blips two minutes later.
        Graph graph = new(("gateway", "payments"), ("payments", "ledger"));
        Incident incident = IncidentOf(("payments", 0, "errorRatio"), ("gateway", 1, "errorRatio"), ("payments", 7, "errorRatio"), ("ledger", 12, "p95"));

        RootCause[] ranked = RootCauseRanker.Rank(incident, graph.Callees);

        Assert.Equal("payments", ranked[0].Service);
        Assert.Contains(ranked[0].Evidence, e => e.Summary == "none of its 1 callees is anomalous in a way that travels up a call: the anomaly starts here");
        Assert.DoesNotContain(ranked.Single(c => c.Service == "ledger").Evidence, e => e.Kind == "callers");
    }

    [Fact]
    public void ACalleeBlipWhoseRangeShowsNothingDoesNotExplainTheErroringCaller()
    {
        // ledger had one anomalous window just before payments started failing; over the incident its requests are
        // as they were.
        Graph graph = new(("gateway", "payments"), ("payments", "ledger"));
        Incident incident = IncidentOf(("ledger", 0, "errorRatio"), ("payments", 2, "errorRatio"), ("gateway", 2, "errorRatio"));
        var evidence = new Dictionary<string, ServiceEvidence>
        {
            ["ledger"] = new("ledger", Stats(2000, 4, 9, 20000, 38, 9), [], []),
            ["payments"] = new("payments", Stats(2000, 480, 30, 20000, 40, 30), [new("ledger", false, Stats(2000, 4, 9, 20000, 38, 9))], []),
        };

        RootCause[] ranked = RootCauseRanker.Rank(incident, graph.Callees, s => evidence.GetValueOrDefault(s));

        Assert.Equal("payments", ranked[0].Service);
        Assert.Contains(ranked.Single(c => c.Service == "ledger").Evidence, e => e.Summary.EndsWith("show no shift: a passing blip", StringComparison.Ordinal));
    }

    [Fact]
    public void AServiceAnomalousInMostIncidentsLosesThatShare()
    {
        // Both erroring leaves; noisy was anomalous in 8 of the last 10 other incidents.
        Graph graph = new(("frontend", "noisy"), ("frontend", "quiet"));
        Incident incident = IncidentOf(("noisy", 0, "errorRatio"), ("quiet", 1, "errorRatio"));

        RootCause[] plain = RootCauseRanker.Rank(incident, graph.Callees);
        RootCause[] ranked = RootCauseRanker.Rank(incident, graph.Callees, prevalence: s => s == "noisy" ? (8, 10) : (0, 10));

        Assert.Equal("noisy", plain[0].Service);
        Assert.Equal("quiet", ranked[0].Service);
        Assert.Contains(ranked[1].Evidence, e => e.Kind == "history" && e.Summary == "anomalous in 8 of the last 10 other incidents: often anomalous, so weaker evidence here");
    }

    [Fact]
    public void ALogTemplateItemNamesItsTemplateSoItsExemplarsCanBeOpened()
    {
        Graph graph = new(("gateway", "payments"));
        Incident incident = IncidentOf(("payments", 0, "errorRatio"));
        var evidence = new Dictionary<string, ServiceEvidence>
        {
            ["payments"] = new("payments", Stats(2000, 480, 30, 20000, 40, 30), [], [new TemplateShift(17, "charge <*> failed", "ERROR", 240, 3)]),
        };

        RootCause[] ranked = RootCauseRanker.Rank(incident, graph.Callees, s => evidence.GetValueOrDefault(s));

        Evidence logs = Assert.Single(ranked[0].Evidence, e => e.Kind == "logs");
        Assert.Equal(17, logs.TemplateId);
        Assert.All(ranked[0].Evidence.Where(e => e.Kind != "logs"), e => Assert.Null(e.TemplateId));
    }

    private static ShiftStats Stats(long calls, long errors, double p99, long baselineCalls, long baselineErrors, double baselineP99) =>
        new(calls, errors, p99, baselineCalls, baselineErrors, baselineP99);

    private static Incident IncidentOf(params (string Service, int Window, string Signal)[] anomalies)
    {
        var book = new IncidentBook();
        Incident? incident = null;
        foreach (var (service, window, signal) in anomalies)
        {
            DateTimeOffset start = T0.AddSeconds(10 * window);
            var anomaly = new AnomalyEvent(
                $"{service}/spans/{window}/{signal}", service, "spans", [signal], 0.9, "critical", 0.75,
                start, start.AddSeconds(10), start.AddSeconds(15), AnomalyModelRef.Builtin) { Onset = start };
            incident = book.Add(anomaly, (_, _) => true, IncidentOptions.Default, out _) ?? incident;
        }

        Assert.Single(book.Open);
        Assert.Equal(UnixNanos.FromDateTimeOffset(T0), incident!.StartedUnixNano);
        return incident;
    }

    private sealed class Graph(params (string Client, string Server)[] edges)
    {
        public IReadOnlyCollection<string> Callees(string service) => [.. edges.Where(e => e.Client == service).Select(e => e.Server)];
    }
}
