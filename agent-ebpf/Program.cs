using System.Diagnostics;
using System.Globalization;
using OtlpGrains.Agent.Bpf;
using OtlpGrains.Agent.Capture;

// otlpgrains-agent check                      : can BPF capture run here? exit 0 yes, 77 no (with the reason).
// otlpgrains-agent [--capture-bytes N] [--watch PID]... : capture and print a summary every 5 s until Ctrl+C.
// Exporting spans over OTLP comes with the protocol layer (issue #4).
if (args is ["check", ..])
{
    CaptureCheckResult result = CaptureCheck.Run();
    foreach (string line in result.Lines)
    {
        Console.WriteLine(line);
    }

    return result.Works ? 0 : 77;
}

var options = new SocketCaptureOptions();
var watched = new List<int>();
for (int i = 0; i < args.Length; i++)
{
    switch (args[i])
    {
        case "--capture-bytes" when i + 1 < args.Length:
            options.CaptureBytes = int.Parse(args[++i], CultureInfo.InvariantCulture);
            break;
        case "--watch" when i + 1 < args.Length:
            watched.Add(int.Parse(args[++i], CultureInfo.InvariantCulture));
            break;
        default:
            Console.Error.WriteLine($"otlpgrains-agent: unknown argument {args[i]}; usage: check | [--capture-bytes N] [--watch PID]...");
            return 2;
    }
}

options.WatchedPids = watched;
using var stop = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    e.Cancel = true;
    stop.Cancel();
};

SocketCapture capture;
try
{
    capture = SocketCapture.Start(options);
}
catch (BpfException e)
{
    // Disabled mode: the node keeps its agent running (a DaemonSet would restart-loop a crash) and says why.
    Console.Error.WriteLine($"otlpgrains-agent: capture DISABLED, BPF is unavailable: {e.Message}");
    Console.Error.WriteLine("otlpgrains-agent: run `otlpgrains-agent check` for details; idling until Ctrl+C");
    stop.Token.WaitHandle.WaitOne();
    return 0;
}

using (capture)
{
    Console.WriteLine($"otlpgrains-agent: capturing with {capture.Group.Description}, first {options.CaptureBytes} bytes per read/write");
    var consumer = Task.Run(async () =>
    {
        // Until the protocol layer consumes them, events are only counted.
        await foreach (SocketEvent socketEvent in capture.Events.ReadAllAsync())
        {
            socketEvent.Dispose();
        }
    });

    CaptureStatistics last = capture.GetStatistics();
    long lastTicks = Stopwatch.GetTimestamp();
    using var timer = new PeriodicTimer(TimeSpan.FromSeconds(5));
    try
    {
        while (await timer.WaitForNextTickAsync(stop.Token))
        {
            CaptureStatistics now = capture.GetStatistics();
            double seconds = Stopwatch.GetElapsedTime(lastTicks).TotalSeconds;
            lastTicks = Stopwatch.GetTimestamp();
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"events/s {(now.Events - last.Events) / seconds:F0}, KiB/s {(now.PayloadBytes - last.PayloadBytes) / 1024.0 / seconds:F0}, drops kernel {now.KernelDrops} pending {now.PendingDrops} queue {now.QueueDrops}"));
            last = now;
        }
    }
    catch (OperationCanceledException)
    {
        // Ctrl+C
    }

    capture.Dispose();
    await consumer;
}

return 0;
