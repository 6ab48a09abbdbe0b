using OtlpGrains.Models.Simulation;
using Xunit;

namespace OtlpGrains.Models.Tests.Simulation;

/// <summary>The simulator's output: deterministic by seed, in event-time order, and the injected faults visible where they should be.</summary>
public sealed class SimulatorTests
{
    private const long Start = 1_800_000_000_000_000_000;

    // Two minutes before the first fault, faults of two minutes with one quiet minute between: short, yet a few
    // thousand requests per phase.
    private static readonly ScenarioTiming Short = new(TimeSpan.FromMinutes(2), TimeSpan.FromMinutes(2), TimeSpan.FromMinutes(1), TimeSpan.FromMinutes(1));

    [Fact]
    public void SameSeedGivesTheSameItemsAndAnotherSeedOthers()
    {
        Scenario scenario = SimulationScenarios.Create("erroring-middle-tier", load: new LoadProfile(5), timing: Short);

        string[] first = [.. new Simulator(scenario, Start, seed: 7).Run().Select(Describe)];
        string[] again = [.. new Simulator(scenario, Start, seed: 7).Run().Select(Describe)];
        string[] other = [.. new Simulator(scenario, Start, seed: 8).Run().Select(Describe)];

        Assert.True(first.Length > 10_000, $"only {first.Length} items");
        Assert.Equal(first, again);
        Assert.NotEqual(first.Take(100), other.Take(100));
    }

    // Records compare their attribute lists by reference: spell every item out.
    private static string Describe(SimulatedItem item) => item is SimulatedSpan span
        ? span with { Attributes = [] } + string.Join(",", span.Attributes)
        : item.ToString();

    [Fact]
    public void ItemsComeInEventTimeOrderWithinTheScenario()
    {
        Scenario scenario = SimulationScenarios.Create("failing-consumer", load: new LoadProfile(5), timing: Short);
        var simulator = new Simulator(scenario, Start, seed: 1);

        long[] times = [.. simulator.Run().Select(i => i.TimeUnixNano)];

        Assert.Equal(times.Order(), times);
        Assert.InRange(times[0], Start, simulator.TimeOf(TimeSpan.FromSeconds(5)));
        Assert.InRange(times[^1], simulator.TimeOf(scenario.Duration - TimeSpan.FromSeconds(5)), simulator.TimeOf(scenario.Duration + TimeSpan.FromSeconds(5)));
    }

    [Fact]
    public void SlowLeafSlowsItselfAndItsCallerButNotItsSiblings()
    {
        Run run = Run.Of("slow-leaf");
        InjectedFault fault = run.Scenario.Faults[0];
        string caller = "slow-leaf-frontend", sibling = "slow-leaf-reviews";

        Assert.Equal("slow-leaf-pricing", fault.Service);
        Assert.InRange(run.Median(fault.Service, during: true) - run.Median(fault.Service, during: false), 100, 250);
        Assert.InRange(run.Median(caller, during: true) - run.Median(caller, during: false), 80, 250);
        Assert.InRange(run.Median(sibling, during: true) / run.Median(sibling, during: false), 0.8, 1.25);
        Assert.Contains(run.Logs(during: true), l => l.Service == caller && l.Body.StartsWith("Slow call to slow-leaf-pricing took", StringComparison.Ordinal));
    }

    [Fact]
    public void ErroringMiddleTierFailsItsRequestsAndItsCallersInheritThemButNotItsCallees()
    {
        Run run = Run.Of("erroring-middle-tier");
        InjectedFault fault = run.Scenario.Faults[0];

        Assert.Equal("erroring-middle-tier-api", fault.Service);
        Assert.InRange(run.ErrorRatio(fault.Service, during: true), 0.25, 0.35);
        Assert.InRange(run.ErrorRatio(fault.Service, during: false), 0, 0.01);
        Assert.InRange(run.ErrorRatio("erroring-middle-tier-gateway", during: true), 0.2, 0.35);
        Assert.InRange(run.ErrorRatio("erroring-middle-tier-orders", during: true), 0, 0.01);
        // A failed request never called on: the callee sees fewer requests during the fault.
        Assert.True(run.Requests("erroring-middle-tier-orders", during: true) < 0.8 * run.Requests("erroring-middle-tier-api", during: true));
        SimulatedSpan failed = run.Spans(during: true).First(s => s.Service == fault.Service && s.Kind == SimulatedSpanKind.Server && s.IsError);
        SimulatedLog error = Assert.Single(run.Logs(during: true), l => l.SpanId == failed.SpanId && l.SeverityText == "ERROR");
        Assert.Equal(failed.TraceId, error.TraceId);
        Assert.Contains($"trace_id={failed.TraceId} span_id={failed.SpanId}", error.Body, StringComparison.Ordinal);
        Assert.Contains(run.Spans(during: true), s => s.Kind == SimulatedSpanKind.Client && s.SpanId == failed.ParentSpanId && s.IsError && s.Service == "erroring-middle-tier-gateway");
    }

    [Fact]
    public void StarvedInstanceIsSlowAndBusyWhileItsPeersAreNot()
    {
        Run run = Run.Of("cpu-starved-instance");
        InjectedFault fault = run.Scenario.Faults[0];
        SimulatedService service = run.Scenario.Topology.Service(fault.Service);
        string starved = service.Pod(fault.Instance!.Value), peer = service.Pod((fault.Instance.Value + 1) % service.Instances);

        Assert.InRange(run.Median(fault.Service, during: true, pod: starved) / run.Median(fault.Service, during: false, pod: starved), 3, 5);
        Assert.InRange(run.Median(fault.Service, during: true, pod: peer) / run.Median(fault.Service, during: false, pod: peer), 0.8, 1.25);
        Assert.InRange(run.Cpu(starved, during: true), 0.9, 1);
        Assert.InRange(run.Cpu(starved, during: false), 0.01, 0.5);
        Assert.InRange(run.Cpu(peer, during: true), 0.01, 0.5);
    }

    [Fact]
    public void SlowDatabaseShowsOnItsCallersClientSpansOnly()
    {
        Run run = Run.Of("slow-database");
        Assert.Equal("slow-database-orders-db", run.Scenario.Faults[0].Service);

        SimulatedSpan[] queries = [.. run.Spans(during: true).Where(s => s.Kind == SimulatedSpanKind.Client && s.Name == "SELECT slow-database-orders-db")];
        SimulatedSpan[] before = [.. run.Spans(during: false).Where(s => s.Kind == SimulatedSpanKind.Client && s.Name == "SELECT slow-database-orders-db")];
        Assert.NotEmpty(queries);
        Assert.All(queries, q => Assert.Contains(new SpanKeyValue("peer.service", "slow-database-orders-db"), q.Attributes));
        Assert.All(queries, q => Assert.Contains(new SpanKeyValue("db.system", "postgresql"), q.Attributes));
        Assert.InRange(Median(queries) - Median(before), 70, 150);
        Assert.Equal(4, queries.Select(q => q.Service).Distinct().Count());
        // The cache is untouched.
        SimulatedSpan[] cache = [.. run.Spans(during: true).Where(s => s.Name == "GET slow-database-session-cache")];
        Assert.InRange(Median(cache), 0.3, 2);
    }

    [Fact]
    public void RetryStormMultipliesTheCallsToTheFailingService()
    {
        Run run = Run.Of("retry-storm");
        string failing = run.Scenario.Faults[0].Service, caller = "retry-storm-api";

        double callsPerRequest(bool during) =>
            (double)run.Spans(during).Count(s => s.Service == caller && s.Kind == SimulatedSpanKind.Client) / run.Requests(caller, during);

        Assert.Equal("retry-storm-orders", failing);
        Assert.InRange(callsPerRequest(false), 0.99, 1.02);
        Assert.InRange(callsPerRequest(true), 1.4, 1.9); // 1 + 0.4 + 0.16 + 0.064 attempts
        Assert.InRange(run.Median(failing, during: true) / run.Median(failing, during: false), 1.1, 3);
        // Four attempts all fail 0.4^4 of the time: the caller sees a little of the storm, its own caller (which
        // retries it in turn) next to nothing.
        Assert.InRange(run.ErrorRatio(caller, during: true), 0.01, 0.05);
        Assert.InRange(run.ErrorRatio("retry-storm-gateway", during: true), 0, 0.005);
        Assert.Contains(run.Logs(during: true), l => l.Service == caller && l.Body == "Retrying call to retry-storm-orders attempt 3 after HTTP 500");
    }

    [Fact]
    public void QueueConsumerIsTheProducersChildAndLinkedToIt()
    {
        Run run = Run.Of("failing-consumer");

        SimulatedSpan[] spans = [.. run.Spans(during: false)];
        SimulatedSpan consumer = spans.First(s => s.Kind == SimulatedSpanKind.Consumer);
        SimulatedSpan producer = Assert.Single(spans, s => s.SpanId == consumer.ParentSpanId);

        Assert.Equal(SimulatedSpanKind.Producer, producer.Kind);
        Assert.Equal(producer.SpanId, consumer.LinkedSpanId);
        Assert.Equal(producer.TraceId, consumer.TraceId);
        Assert.Equal(("failing-consumer-orders", "failing-consumer-shipping"), (producer.Service, consumer.Service));
        Assert.True(consumer.StartUnixNano > producer.EndUnixNano);
        // The consumer's failures stay on its side: the producer's request does not fail with it.
        Assert.InRange(run.ErrorRatio("failing-consumer-shipping", during: true), 0.25, 0.35);
        Assert.InRange(run.ErrorRatio("failing-consumer-orders", during: true), 0, 0.01);
    }

    [Fact]
    public void CpuTracksLoad()
    {
        Scenario light = SimulationScenarios.Create("slow-leaf", load: new LoadProfile(4, amplitude: 0), timing: Short);
        Scenario heavy = SimulationScenarios.Create("slow-leaf", load: new LoadProfile(40, amplitude: 0), timing: Short);

        double MeanCpu(Scenario s) => new Simulator(s, Start, 3).Run().OfType<SimulatedGauge>()
            .Where(g => g.Name == "container.cpu.utilization" && g.Service == "slow-leaf-reviews" && g.Time < new Simulator(s, Start, 3).TimeOf(s.Faults[0].Start))
            .Average(g => g.Value);

        Assert.InRange(MeanCpu(heavy) - MeanCpu(light), 0.05, 0.5);
    }

    private static double Median(IEnumerable<SimulatedSpan> spans)
    {
        double[] sorted = [.. spans.Select(s => s.DurationMs).Order()];
        return sorted.Length == 0 ? double.NaN : sorted[sorted.Length / 2];
    }

    /// <summary>A scenario's items split at its first fault: before it (warm-up) and during it.</summary>
    private sealed class Run
    {
        private readonly List<SimulatedItem> _before = [];
        private readonly List<SimulatedItem> _during = [];

        private Run(Scenario scenario)
        {
            Scenario = scenario;
            var simulator = new Simulator(scenario, Start, seed: 42);
            InjectedFault fault = scenario.Faults[0];
            long from = simulator.TimeOf(fault.Start), to = simulator.TimeOf(fault.End);
            foreach (SimulatedItem item in simulator.Run())
            {
                // Spans by their start (one that started before the fault did not meet it), gauges by the middle of
                // the interval they report.
                long time = item switch
                {
                    SimulatedSpan span => span.StartUnixNano,
                    SimulatedGauge => item.TimeUnixNano - (Simulator.GaugeInterval.Ticks * 50),
                    _ => item.TimeUnixNano,
                };
                if (time < from)
                {
                    _before.Add(item);
                }
                else if (time < to)
                {
                    _during.Add(item);
                }
            }
        }

        public Scenario Scenario { get; }

        public static Run Of(string name) => new(SimulationScenarios.Create(name, load: new LoadProfile(20, amplitude: 0.1), timing: Short));

        public IEnumerable<SimulatedSpan> Spans(bool during) => (during ? _during : _before).OfType<SimulatedSpan>();

        public IEnumerable<SimulatedLog> Logs(bool during) => (during ? _during : _before).OfType<SimulatedLog>();

        public double Median(string service, bool during, string? pod = null) =>
            SimulatorTests.Median(Requests(service, during, pod));

        public int Requests(string service, bool during) => Requests(service, during, null).Count();

        public double ErrorRatio(string service, bool during)
        {
            SimulatedSpan[] requests = [.. Requests(service, during, null)];
            return (double)requests.Count(s => s.IsError) / requests.Length;
        }

        public double Cpu(string pod, bool during) =>
            (during ? _during : _before).OfType<SimulatedGauge>().Where(g => g.Pod == pod && g.Name == "container.cpu.utilization").Average(g => g.Value);

        private IEnumerable<SimulatedSpan> Requests(string service, bool during, string? pod) =>
            Spans(during).Where(s => s.Service == service && s.Kind is SimulatedSpanKind.Server or SimulatedSpanKind.Consumer && (pod is null || s.Pod == pod));
    }
}
