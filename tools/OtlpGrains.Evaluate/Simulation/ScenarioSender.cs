using System.Diagnostics;
using System.Globalization;
using OtlpGrains.Evaluate.Replay;
using OtlpGrains.Models.Simulation;

namespace OtlpGrains.Evaluate.Simulation;

/// <summary>What one scenario run sent: its faults placed in event time, and whether everything was acknowledged.</summary>
internal sealed record ScenarioRun(Scenario Scenario, IReadOnlyList<(InjectedFault Fault, DateTimeOffset Start, DateTimeOffset End)> Faults, long Items, long Acknowledged);

/// <summary>
/// Sends a scenario as OTLP through a cluster's gateway, its event times placed so that it ends at the wall clock
/// when it starts (at <c>--speed max</c> nothing is ever ahead of the clock; paced, its end is already past).
/// </summary>
internal static class ScenarioSender
{
    /// <summary>
    /// How much of the warm-up is sent before <c>afterCalibration</c> runs: less than the 100 windows of 10 s after
    /// which detectors give their first verdicts, so no anomaly can come before it.
    /// </summary>
    public static readonly TimeSpan CalibrationPart = TimeSpan.FromMinutes(15);

    /// <summary>
    /// Sends the scenario; when <paramref name="afterCalibration"/> is given, it runs once the first
    /// <see cref="CalibrationPart"/> is sent and acknowledged (to wait for the cluster), before the rest is sent.
    /// </summary>
    public static async Task<ScenarioRun> SendAsync(
        Scenario scenario, SimulateOptions options, OtlpExporter exporter, TimeProvider time, TextWriter output, CancellationToken ct,
        Func<Scenario, CancellationToken, Task>? afterCalibration = null)
    {
        DateTimeOffset start = time.GetUtcNow() - scenario.Duration;
        long startUnixNano = EventRange.UnixNanos(start);
        var simulator = new Simulator(scenario, startUnixNano, options.Seed);
        output.WriteLine(FormattableString.Invariant(
            $"scenario {scenario.Name}: {scenario.Description}; {scenario.Topology.Services.Count} services, {scenario.Load.RequestsPerSecond:0.#} requests/s, {scenario.Duration.TotalMinutes:0} minutes of event time from {start:HH:mm:ss}, seed {options.Seed}"));
        var faults = scenario.Faults.Select(f => (f, start + f.Start, start + f.End)).ToArray();
        foreach ((InjectedFault fault, DateTimeOffset from, DateTimeOffset to) in faults)
        {
            output.WriteLine(FormattableString.Invariant(
                $"  fault {fault.TypeName,-15} {fault.Service}{(fault.Instance is { } i ? $" (instance {scenario.Topology.Service(fault.Service).Pod(i)})" : "")} from {from:HH:mm:ss} to {to:HH:mm:ss}, magnitude {fault.Magnitude.ToString("0.###", CultureInfo.InvariantCulture)}"));
        }

        long itemsBefore = exporter.Traces.Items + exporter.Logs.Items + exporter.Metrics.Items;
        long acknowledgedBefore = exporter.Traces.Acknowledged + exporter.Logs.Acknowledged + exporter.Metrics.Acknowledged;
        long started = Stopwatch.GetTimestamp();
        var engine = new ReplayEngine(exporter, options.Batch, time, output);
        using IEnumerator<SimulatedItem> stream = simulator.Run().GetEnumerator();
        bool more = stream.MoveNext();
        IEnumerable<ReplayEvent> Until(long end)
        {
            for (; more && stream.Current.TimeUnixNano < end; more = stream.MoveNext())
            {
                yield return new ReplayEvent(stream.Current.TimeUnixNano, stream.Current);
            }
        }

        long cut = afterCalibration is null ? long.MaxValue : simulator.TimeOf(CalibrationPart);
        await engine.RunAsync(Until(cut), startUnixNano, options.Speed, ct);
        if (afterCalibration is not null)
        {
            await afterCalibration(scenario, ct);
            await engine.RunAsync(Until(long.MaxValue), cut, options.Speed, ct);
        }
        long items = exporter.Traces.Items + exporter.Logs.Items + exporter.Metrics.Items - itemsBefore;
        long acknowledged = exporter.Traces.Acknowledged + exporter.Logs.Acknowledged + exporter.Metrics.Acknowledged - acknowledgedBefore;
        double seconds = Stopwatch.GetElapsedTime(started).TotalSeconds;
        output.WriteLine(FormattableString.Invariant(
            $"SIMULATE {scenario.Name} items={items} acknowledged={acknowledged} seconds={seconds:F1} items_per_s={items / Math.Max(seconds, 1e-9):F0}"));
        return new ScenarioRun(scenario, faults, items, acknowledged);
    }
}
