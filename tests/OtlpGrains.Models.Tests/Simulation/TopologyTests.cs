using OtlpGrains.Models.Simulation;
using Xunit;

namespace OtlpGrains.Models.Tests.Simulation;

/// <summary>The topology shapes and their checks.</summary>
public sealed class TopologyTests
{
    [Fact]
    public void FanOutCallsEveryLeafAtOnce()
    {
        Topology topology = Topologies.FanOut("t-", 3, instances: 2);

        SimulatedOperation page = topology.Service("t-frontend").Operations.Single();
        Assert.True(page.ParallelCalls);
        Assert.Equal(["t-catalog", "t-pricing", "t-reviews"], page.Calls.Select(c => c.Target));
        Assert.All(topology.Services, s => Assert.Equal(2, s.Instances));
        Assert.Equal(["t-frontend"], topology.CallersOf("t-pricing"));
    }

    [Fact]
    public void ChainCallsOneTierAfterAnotherWithItsRetries()
    {
        Topology topology = Topologies.Chain("c-", 3, retries: 2);

        Assert.Equal(["c-gateway", "c-api", "c-orders", "c-payments"], topology.Services.Select(s => s.Name));
        Assert.Equal(["c-api"], topology.CallersOf("c-orders"));
        Assert.Empty(topology.Service("c-payments").Operations.Single().Calls);
        Assert.All(topology.Services.SelectMany(s => s.Operations).SelectMany(o => o.Calls), c => Assert.Equal(2, c.Retries));
    }

    [Fact]
    public void SharedDatabaseIsCalledByEveryUserAndTheCacheByTwo()
    {
        Topology topology = Topologies.SharedDatabase("d-", 4);
        var calls = topology.Services.SelectMany(s => s.Operations.SelectMany(o => o.Calls).Select(c => (s.Name, c))).ToArray();

        Assert.Equal(4, calls.Count(x => x.c.Kind == CallTarget.Database && x.c.Target == "d-orders-db"));
        Assert.Equal(["d-cart", "d-orders"], calls.Where(x => x.c.Target == "d-session-cache").Select(x => x.Name));
        Assert.Equal("postgresql", topology.Database("d-orders-db").System);
    }

    [Fact]
    public void AsyncQueueConsumerCountsAsCalledByTheProducer()
    {
        Topology topology = Topologies.AsyncQueue("q-");

        Assert.Equal("q-shipping", topology.Queue("q-order-events").ConsumerService);
        Assert.Equal(["q-orders"], topology.CallersOf("q-shipping"));
    }

    [Fact]
    public void CallCycleIsRefused()
    {
        SimulatedService a = new("a", 1, [new("A", new(1, 0.1), 0, [new(CallTarget.Service, "b", "B")])]);
        SimulatedService b = new("b", 1, [new("B", new(1, 0.1), 0, [new(CallTarget.Service, "a", "A")])]);

        var e = Assert.Throws<ArgumentException>(() => new Topology("loop", [a, b], [new("a", "A", 1)]));
        Assert.Equal("topology 'loop' has a call cycle through a/A", e.Message);
    }

    [Fact]
    public void UnknownCalleeIsRefusedByName()
    {
        SimulatedService a = new("a", 1, [new("A", new(1, 0.1), 0, [new(CallTarget.Database, "nope", "SELECT")])]);

        var e = Assert.Throws<ArgumentException>(() => new Topology("t", [a], [new("a", "A", 1)]));
        Assert.StartsWith("topology 't' has no database 'nope'", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void FaultOnAnUnknownServiceOrInstanceIsRefused()
    {
        Topology topology = Topologies.FanOut("f-", 2);
        var load = new LoadProfile(1);

        var unknown = Assert.Throws<ArgumentException>(() => new Scenario("s", "", topology, load, TimeSpan.FromMinutes(5),
            [new InjectedFault("f-nope", FaultKind.Latency, TimeSpan.Zero, TimeSpan.FromMinutes(1), 100)]));
        var instance = Assert.Throws<ArgumentException>(() => new Scenario("s", "", topology, load, TimeSpan.FromMinutes(5),
            [new InjectedFault("f-catalog", FaultKind.CpuSaturation, TimeSpan.Zero, TimeSpan.FromMinutes(1), 4, Instance: 2)]));

        Assert.Equal("scenario 's': fault target 'f-nope' is not a service of its topology", unknown.Message);
        Assert.Equal("scenario 's': 'f-catalog' has no instance 2", instance.Message);
    }

    [Fact]
    public void EveryScenarioWarmsUpTwentyMinutesAndSpacesFaultsAtDifferentPlaces()
    {
        foreach (string name in SimulationScenarios.Names)
        {
            Scenario scenario = SimulationScenarios.Create(name, "run1-");

            Assert.True(scenario.Faults.Count >= 2, $"{name} has {scenario.Faults.Count} faults");
            Assert.True(scenario.Faults[0].Start >= TimeSpan.FromMinutes(20), name);
            Assert.Equal(scenario.Faults.Count, scenario.Faults.Select(f => f.Service).Distinct().Count());
            Assert.All(scenario.Faults.Zip(scenario.Faults.Skip(1)), p => Assert.True(p.Second.Start - p.First.End >= TimeSpan.FromMinutes(5), name));
            Assert.All(scenario.Topology.Services, s => Assert.StartsWith($"run1-{name}-", s.Name, StringComparison.Ordinal));
        }

        Assert.Throws<ArgumentException>(() => SimulationScenarios.Create("no-such-scenario"));
    }

    [Fact]
    public void LoadFollowsItsRateCurve()
    {
        var load = new LoadProfile(50, amplitude: 0.5, period: TimeSpan.FromMinutes(20));
        var random = new Random(9);
        int rising = 0, falling = 0;
        for (TimeSpan at = TimeSpan.Zero; at < TimeSpan.FromMinutes(20); at = load.NextArrival(at, random))
        {
            rising += at < TimeSpan.FromMinutes(10) ? 1 : 0;
            falling += at >= TimeSpan.FromMinutes(10) ? 1 : 0;
        }

        // The first half of the period runs at 50 × (1 + 0.5 × 2/π) on average, the second at 50 × (1 - 0.5 × 2/π).
        Assert.InRange(rising, 600 * 50 * 1.318 * 0.95, 600 * 50 * 1.318 * 1.05);
        Assert.InRange(falling, 600 * 50 * 0.682 * 0.95, 600 * 50 * 0.682 * 1.05);
    }
}
