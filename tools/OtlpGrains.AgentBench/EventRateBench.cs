using System.Diagnostics;
using System.Globalization;
using OtlpGrains.Agent.Capture;
using OtlpGrains.Agent.Export;
using OtlpGrains.Agent.Tracking;

namespace OtlpGrains.AgentBench;

/// <summary>
/// Benchmark (a): events/s sustained into user space. The capture runs in this process (watching only the load
/// child), the load is <see cref="PingPongLoad"/> at rising rates; each step reports what the load did, what reached
/// user space, the kernel/queue drops, and this process's CPU (the capture's poll thread plus the consumer).
/// </summary>
internal static class EventRateBench
{
    public static async Task<int> RunAsync(BenchOptions options)
    {
        await using OtlpSink sink = await OtlpSink.StartAsync();
        using var capture = SocketCapture.Start(new SocketCaptureOptions { OnlyWatched = true });
        Console.WriteLine($"(a) events/s into user space: capture with {capture.Group.Description}, consumer '{options.Consumer}', {options.Pairs} ping-pong pairs of 64-byte messages, {options.StepSeconds:0.#} s per step");

        long consumed = 0;
        var exporter = options.Consumer == "pipeline" ? new OtlpSpanExporter(new OtlpExportOptions { Endpoint = new Uri($"http://127.0.0.1:{sink.Port}") }) : null;
        var pipeline = exporter is null ? null : new AgentPipeline(exporter, new Uri($"http://127.0.0.1:{sink.Port}"), new HashSet<int>());
        var consumer = Task.Run(async () =>
        {
            var reader = capture.Events;
            while (await reader.WaitToReadAsync())
            {
                while (reader.TryRead(out SocketEvent? e))
                {
                    using (e)
                    {
                        pipeline?.OnEvent(e);
                    }

                    Interlocked.Increment(ref consumed);
                }
            }
        });

        Console.WriteLine("  offered ev/s | captured ev/s | kernel drops | pending drops | queue drops | bench CPU % of a core | allocated bytes/event");
        double best = 0;
        foreach (int eventsPerSecond in options.EventRates)
        {
            CaptureStatistics before = capture.GetStatistics();
            using ChildProcess load = ChildProcess.StartRole("pingpong", (eventsPerSecond / 4).ToString(CultureInfo.InvariantCulture),
                options.Pairs.ToString(CultureInfo.InvariantCulture), options.StepSeconds.ToString(CultureInfo.InvariantCulture));
            capture.Watch(load.Id);
            await load.WaitForLineAsync("ready", TimeSpan.FromSeconds(30));
            CaptureStatistics start = capture.GetStatistics();
            long cpuStart = ProcessCpu.Ticks(Environment.ProcessId);
            long allocatedStart = GC.GetTotalAllocatedBytes(precise: true);
            string[] done = (await load.WaitForLineAsync("done", TimeSpan.FromSeconds(options.StepSeconds + 30))).Split(' ');
            long roundTrips = long.Parse(done[2], CultureInfo.InvariantCulture);
            double seconds = double.Parse(done[4], CultureInfo.InvariantCulture);
            long cpuEnd = ProcessCpu.Ticks(Environment.ProcessId);
            load.WaitForExit(TimeSpan.FromSeconds(10));
            await WaitForDrainAsync(capture, () => Interlocked.Read(ref consumed));
            CaptureStatistics end = capture.GetStatistics();
            double bytesPerEvent = (GC.GetTotalAllocatedBytes(precise: true) - allocatedStart) / (double)Math.Max(1, end.Events - start.Events);
            capture.Forget(load.Id);

            double offered = roundTrips * 4 / seconds;
            double captured = (end.Events - start.Events) / seconds;
            long kernel = end.KernelDrops - before.KernelDrops;
            long pending = end.PendingDrops - before.PendingDrops;
            long queue = end.QueueDrops - before.QueueDrops;
            double cpu = (cpuEnd - cpuStart) * 100.0 / ProcessCpu.TicksPerSecond / seconds;
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"  {offered,12:F0} | {captured,13:F0} | {kernel,12} | {pending,13} | {queue,11} | {cpu,21:F1} | {bytesPerEvent,21:F0}{(eventsPerSecond == 0 ? "   (flat out)" : string.Empty)}"));
            // "before" also holds the events between the child's start and its "ready" line, which the load's own
            // count does not: compare whole counts, the rate comes from the measured window.
            if (kernel + pending + queue == 0 && (end.Events - before.Events) >= roundTrips * 4)
            {
                best = Math.Max(best, captured);
            }
        }

        capture.Dispose();
        await consumer;
        if (exporter is not null)
        {
            await exporter.DisposeAsync();
            Console.WriteLine($"  pipeline: {pipeline!.Spans} spans made, {sink.Counters.Spans} received by the sink");
        }

        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  highest rate with 0 drops and every event captured: {best:F0} events/s (target >= 100000)"));
        return 0;
    }

    private static async Task WaitForDrainAsync(SocketCapture capture, Func<long> consumed)
    {
        // The poll thread drains every 10 ms; done when everything queued has been consumed and nothing new comes.
        long deadline = Stopwatch.GetTimestamp() + (5 * Stopwatch.Frequency);
        long last = -1;
        while (Stopwatch.GetTimestamp() < deadline)
        {
            await Task.Delay(50);
            long events = capture.GetStatistics().Events;
            if (events == last && consumed() == events)
            {
                return;
            }

            last = events;
        }
    }
}
