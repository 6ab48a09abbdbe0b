namespace OtlpGrains.Models.Simulation;

/// <summary>
/// Runs a <see cref="Scenario"/> from a start time: requests arrive by its load profile, each becomes a trace with
/// its logs, and every 10 s each instance reports its gauges. Items come out in event-time order (a span at its end,
/// when an SDK exports it). The same scenario, start and seed give the same items.
/// </summary>
public sealed class Simulator
{
    /// <summary>How often instances report their gauges.</summary>
    public static readonly TimeSpan GaugeInterval = TimeSpan.FromSeconds(10);

    private readonly Scenario _scenario;
    private readonly long _startUnixNano;
    private readonly int _seed;

    public Simulator(Scenario scenario, long startUnixNano, int seed)
    {
        ArgumentNullException.ThrowIfNull(scenario);
        _scenario = scenario;
        _startUnixNano = startUnixNano;
        _seed = seed;
    }

    public Scenario Scenario => _scenario;

    /// <summary>The event time of an offset into the scenario, in Unix nanoseconds.</summary>
    public long TimeOf(TimeSpan at) => _startUnixNano + (at.Ticks * 100);

    public IEnumerable<SimulatedItem> Run()
    {
        var random = new Random(_seed);
        var pending = new PriorityQueue<SimulatedItem, (long Time, long Sequence)>();
        long sequence = 0;
        void Emit(SimulatedItem item) => pending.Enqueue(item, (item.TimeUnixNano, sequence++));

        var gauges = new InstanceGauges(_scenario.Topology, _scenario.Faults, random);
        var traces = new TraceGenerator(_scenario.Topology, _scenario.Faults, random, _startUnixNano, gauges, Emit);
        TimeSpan nextGauges = GaugeInterval;
        TimeSpan at = TimeSpan.Zero;
        while (true)
        {
            at = _scenario.Load.NextArrival(at, random);
            if (at >= _scenario.Duration)
            {
                break;
            }

            for (; nextGauges <= at; nextGauges += GaugeInterval)
            {
                foreach (SimulatedGauge gauge in gauges.Close(TimeOf(nextGauges), nextGauges, GaugeInterval))
                {
                    Emit(gauge);
                }
            }

            // Everything a later request emits is at or after its start, so what is earlier than this one is final.
            long now = TimeOf(at);
            while (pending.TryPeek(out SimulatedItem? item, out _) && item.TimeUnixNano < now)
            {
                yield return pending.Dequeue();
            }

            traces.Request(at);
        }

        for (; nextGauges <= _scenario.Duration; nextGauges += GaugeInterval)
        {
            foreach (SimulatedGauge gauge in gauges.Close(TimeOf(nextGauges), nextGauges, GaugeInterval))
            {
                Emit(gauge);
            }
        }

        while (pending.Count > 0)
        {
            yield return pending.Dequeue();
        }
    }
}
