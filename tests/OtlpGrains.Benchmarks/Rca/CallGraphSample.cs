using OtlpGrains.Interfaces;

namespace OtlpGrains.Benchmarks.Rca;

/// <summary>
/// A generated 100-service call graph in five tiers of 20 (front ends at tier 0, stores at tier 4): each service calls
/// two to four services of the next tier, and a store calls a virtual database. Forty minutes of 10 s windows are fed
/// to every service grain (requests, edge calls, INFO logs); in the last minute a fault in one store slows it and fails
/// a third of its requests, and that shows up the call chain above it. <see cref="Anomalous"/> are the ten services the
/// incident is made of: the faulty store and the nearest services to it in the graph, each connected to one before it.
/// </summary>
internal sealed class CallGraphSample
{
    public const int Tiers = 5;
    public const int PerTier = 20;
    public const int Windows = 240;
    public const int FaultWindows = 6;
    public const long Width = 10_000_000_000L;

    private readonly Random _random = new(42);

    public CallGraphSample(long originUnixNano)
    {
        Origin = originUnixNano;
        for (int tier = 0; tier < Tiers; tier++)
        {
            for (int i = 0; i < PerTier; i++)
            {
                string name = $"svc-t{tier}-{i:D2}";
                Services.Add(name);
                Callees[name] = tier == Tiers - 1
                    ? []
                    : [.. Enumerable.Range(0, _random.Next(2, 5)).Select(_ => $"svc-t{tier + 1}-{_random.Next(PerTier):D2}").Distinct(StringComparer.Ordinal)];
            }
        }

        Root = $"svc-t{Tiers - 1}-07";
        Anomalous = NearestTo(Root, 10);
    }

    public long Origin { get; }

    public List<string> Services { get; } = [];

    public Dictionary<string, string[]> Callees { get; } = new(StringComparer.Ordinal);

    /// <summary>The faulty store.</summary>
    public string Root { get; }

    public string[] Anomalous { get; }

    public long FaultStart => Origin + ((Windows - FaultWindows) * Width);

    /// <summary>Feeds every service's windows, in parallel across services.</summary>
    public async Task FeedAsync(IGrainFactory grains)
    {
        var affected = new HashSet<string>(Anomalous, StringComparer.Ordinal);
        await Parallel.ForEachAsync(Services, new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (service, _) =>
        {
            var random = new Random(service.GetHashCode(StringComparison.Ordinal));
            IServiceGrain grain = grains.GetGrain<IServiceGrain>(service);
            for (int w = 0; w < Windows; w++)
            {
                long start = Origin + (w * Width);
                bool fault = affected.Contains(service) && start >= FaultStart;
                await grain.IngestSpansAsync(Requests(start, random, fault ? 0.3 : 0.01, fault ? 4.0 : 1.0));
                await grain.AddEdgeCallsAsync(Calls(service, start, random, affected));
                await grain.IngestLogsAsync(Logs(service, start, fault));
            }
        });
    }

    /// <summary>One anomaly event per anomalous service, in the order that makes each join the incident.</summary>
    public AnomalyEvent[] Anomalies() => [.. Anomalous.Select((service, i) =>
    {
        DateTimeOffset start = DateTimeOffset.UnixEpoch.AddTicks((FaultStart + (i % 3 * Width)) / 100);
        return new AnomalyEvent(
            AnomalyEvent.IdOf(service, "spans", FaultStart + (i % 3 * Width)), service, "spans", i % 2 == 0 ? ["errorRatio", "p99"] : ["p99"],
            0.9 - (i * 0.01), "critical", 0.75, start, start.AddSeconds(10), start.AddSeconds(20), AnomalyModelRef.Builtin) { Onset = start };
    })];

    private static ServiceSpanBatch Requests(long start, Random random, double errorRate, double slowdown) => new(
        Guid.NewGuid(),
        ["GET /", "POST /items"],
        [.. Enumerable.Range(0, 100).Select(i => new ServiceSpan(
            start + ((i + 1) * (Width / 110)),
            (long)((20 + (10 * random.NextDouble())) * slowdown * 1_000_000),
            i % 2,
            SpanKindCode.Server,
            random.NextDouble() < errorRate ? SpanRole.Request | SpanRole.Error : SpanRole.Request))]);

    private EdgeCall[] Calls(string service, long start, Random random, HashSet<string> affected)
    {
        var calls = new List<EdgeCall>();
        foreach (string callee in Callees[service])
        {
            bool fault = affected.Contains(callee) && start >= FaultStart;
            for (int i = 0; i < 20; i++)
            {
                calls.Add(new EdgeCall(callee, false, start + ((i + 1) * (Width / 25)), (long)((15 + (10 * random.NextDouble())) * (fault ? 4 : 1) * 1_000_000), fault && random.NextDouble() < 0.3));
            }
        }

        if (Callees[service].Length == 0)
        {
            for (int i = 0; i < 20; i++)
            {
                calls.Add(new EdgeCall("postgres", true, start + ((i + 1) * (Width / 25)), (long)((2 + random.NextDouble()) * 1_000_000), false));
            }
        }

        return [.. calls];
    }

    private static ServiceLogBatch Logs(string service, long start, bool fault) => new(
        Guid.NewGuid(),
        [.. Enumerable.Range(0, 10).Select(i => new LogLine(start + ((i + 1) * (Width / 12)), 9) { Body = $"handled request {i * 17} for {service} in {i + 3} ms", SeverityText = "INFO" }),
         .. Enumerable.Range(0, fault ? 5 : 0).Select(i => new LogLine(start + ((i + 1) * (Width / 7)), 17) { Body = $"call to downstream failed after {i + 2} retries: timeout", SeverityText = "ERROR" })]);

    // Breadth first from the root over calls in both directions: each service found is connected to one found before.
    private string[] NearestTo(string root, int count)
    {
        var callers = Services.SelectMany(s => Callees[s].Select(c => (Callee: c, Caller: s))).ToLookup(p => p.Callee, p => p.Caller, StringComparer.Ordinal);
        var found = new List<string> { root };
        var queue = new Queue<string>([root]);
        while (queue.Count > 0 && found.Count < count)
        {
            string next = queue.Dequeue();
            foreach (string neighbour in callers[next].Concat(Callees[next]).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal))
            {
                if (found.Count < count && !found.Contains(neighbour))
                {
                    found.Add(neighbour);
                    queue.Enqueue(neighbour);
                }
            }
        }

        return [.. found];
    }
}
