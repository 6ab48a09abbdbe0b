using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OtlpGrains.Agent;
using OtlpGrains.Agent.Bpf;
using OtlpGrains.Agent.Capture;
using OtlpGrains.Agent.Conntrack;
using OtlpGrains.Agent.Export;
using OtlpGrains.Agent.Metrics;
using OtlpGrains.Agent.Tls;
using OtlpGrains.Agent.Tracking;
using OtlpGrains.Agent.Workloads;

// otlpgrains-agent check : can BPF capture run here? exit 0 yes, 77 no (with the reason).
// otlpgrains-agent [--capture-bytes N] [--watch PID]... [--cgroup PATH]... [--port N]... [--endpoint URL] [--no-tls]
//   [--metrics-interval S] [--node-id ID] [--netns PATH] [--no-workload-reports] : capture socket traffic (and TLS
//   plaintext of OpenSSL, GnuTLS and Go crypto/tls through uprobes unless --no-tls), turn it
//   into OTLP spans and RED metrics for the gateway (default OTEL_EXPORTER_OTLP_ENDPOINT or http://127.0.0.1:4317),
//   and print a summary every 5 s until Ctrl+C or SIGTERM. --cgroup watches a cgroup v2 directory and everything below
//   it; connections on other ports than --port are muted in the kernel (counted, not copied). --netns follows only the
//   processes of one network namespace (one node of several on a machine) and reads that namespace's conntrack;
//   --node-id names the node (host.id, workload reports; default /etc/machine-id).
if (args is ["check", ..])
{
    CaptureCheckResult result = CaptureCheck.Run();
    foreach (string line in result.Lines)
    {
        Console.WriteLine(line);
    }

    return result.Works ? 0 : 77;
}

// The pipeline's thread polls the ring buffer itself: no poll thread, and no event crosses threads.
var options = new SocketCaptureOptions { TlsProbes = true, PollInBackground = false };
var export = new OtlpExportOptions();
var watched = new List<int>();
var cgroups = new List<string>();
var ports = new HashSet<int>();
var metricsInterval = TimeSpan.FromSeconds(10);
string? nodeId = null;
var workloadReports = true;
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
        case "--cgroup" when i + 1 < args.Length:
            cgroups.Add(args[++i]);
            break;
        case "--port" when i + 1 < args.Length:
            ports.Add(int.Parse(args[++i], CultureInfo.InvariantCulture));
            break;
        case "--no-tls":
            options.TlsProbes = false;
            break;
        case "--metrics-interval" when i + 1 < args.Length:
            metricsInterval = TimeSpan.FromSeconds(double.Parse(args[++i], CultureInfo.InvariantCulture));
            break;
        case "--endpoint" when i + 1 < args.Length:
            export.Endpoint = new Uri(args[++i]);
            break;
        case "--node-id" when i + 1 < args.Length && args[i + 1].Trim().Length > 0:
            nodeId = args[++i].Trim();
            break;
        case "--netns" when i + 1 < args.Length:
            options.NetworkNamespace = args[++i];
            break;
        case "--no-workload-reports":
            workloadReports = false;
            break;
        default:
            Console.Error.WriteLine($"otlpgrains-agent: unknown argument {args[i]}; usage: check | [--capture-bytes N] [--watch PID]... [--cgroup PATH]... [--port N]... [--endpoint URL] [--no-tls] [--metrics-interval SECONDS] [--node-id ID] [--netns PATH] [--no-workload-reports]");
            return 2;
    }
}

// The node's id: the machine id unless given (two agents standing for two nodes on one machine need --node-id).
export.NodeId = nodeId ?? NodeIdentity.Default();

// A header, CA or client certificate setting that cannot work stops the agent here, in one line, before capture starts.
try
{
    ExportChannel.Open(export).Dispose();
}
catch (FormatException e)
{
    Console.Error.WriteLine($"otlpgrains-agent: {e.Message}");
    return 2;
}

options.WatchedPids = watched;
options.WatchedCgroups = cgroups;
using var stop = new CancellationTokenSource();

// Ctrl+C, and SIGTERM (what Kubernetes and the benchmark send; a shell's background jobs ignore SIGINT) both stop
// cleanly: detach, flush the exporter.
using var onInterrupt = PosixSignalRegistration.Create(PosixSignal.SIGINT, Stop);
using var onTerminate = PosixSignalRegistration.Create(PosixSignal.SIGTERM, Stop);
void Stop(PosixSignalContext context)
{
    context.Cancel = true;
    stop.Cancel();
}

SocketCapture capture;
try
{
    capture = SocketCapture.Start(options);
}
catch (ArgumentException e)
{
    Console.Error.WriteLine($"otlpgrains-agent: {e.Message}");
    return 2;
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
    Console.WriteLine($"otlpgrains-agent: capturing with {capture.Group.Description}, first {options.CaptureBytes} bytes per read/write; spans to {export.Endpoint}");
    Console.WriteLine(capture.Tls is { } tls
        ? $"otlpgrains-agent: TLS plaintext from uprobes (OpenSSL, GnuTLS, Go crypto/tls), {tls.AttachedLibraries} files attached (rescanned every {options.TlsRescanInterval.TotalSeconds:F0} s)"
        : $"otlpgrains-agent: TLS plaintext OFF{(capture.TlsUnavailableReason is { } why ? $": {why}" : " (--no-tls)")}");
    Console.WriteLine($"otlpgrains-agent: node {export.NodeId}{(options.NetworkNamespace is { } netns ? $", following network namespace {netns} only (kernel filter)" : string.Empty)}");
    using var conntrack = OpenConntrack(options.NetworkNamespace);
    var exporter = new OtlpSpanExporter(export);
    var redMetrics = new RedMetrics { NodeId = export.NodeId };
    var metricsExporter = new OtlpMetricsExporter(redMetrics, export, metricsInterval);
    var pipeline = new AgentPipeline(exporter, export.Endpoint, ports, redMetrics) { Conntrack = conntrack };
    await using var reporter = workloadReports ? new WorkloadReporter(export, export.NodeId!, () => pipeline.PublishedProcesses) : null;

    // The agent's own counters go where its RED metrics go, as service otlpgrains-agent (or OTEL_SERVICE_NAME).
    using var instruments = new AgentInstruments(() =>
    {
        CaptureStatistics stats = capture.GetStatistics();
        return new AgentCounters(stats.Events, stats.PayloadBytes, stats.KernelDrops, stats.PendingDrops, stats.QueueDrops,
            pipeline.Spans, exporter.Exported, exporter.Dropped, exporter.Failed, metricsExporter.Exported, metricsExporter.Failed, redMetrics.Overflowed,
            conntrack?.Lookups ?? 0, conntrack?.Translated ?? 0, conntrack?.NotFound ?? 0, conntrack?.Failures ?? 0,
            reporter?.Reports ?? 0, (reporter?.Failed ?? 0) + (reporter?.Unimplemented ?? 0))
        {
            TlsAttachFailures = capture.Tls is { } probes ? [.. TlsLibraryKinds.All.Select(probes.FailuresOf)] : [],
        };
    });
    using var selfMetrics = Sdk.CreateMeterProviderBuilder()
        .ConfigureResource(resource =>
        {
            if (string.IsNullOrWhiteSpace(Environment.GetEnvironmentVariable("OTEL_SERVICE_NAME")))
            {
                resource.AddService("otlpgrains-agent");
            }
        })
        .AddMeter(AgentInstruments.MeterName)
        .AddOtlpExporter((otlp, reader) =>
        {
            otlp.Endpoint = export.Endpoint;
            reader.PeriodicExportingMetricReaderOptions.ExportIntervalMilliseconds = (int)metricsInterval.TotalMilliseconds;
        })
        .Build();
    var consumer = Task.Run(() => pipeline.RunAsync(capture, CancellationToken.None));

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
                $"events/s {(now.Events - last.Events) / seconds:F0}, KiB/s {(now.PayloadBytes - last.PayloadBytes) / 1024.0 / seconds:F0}, drops kernel {now.KernelDrops} pending {now.PendingDrops} queue {now.QueueDrops}; connections {pipeline.Tracker.Count}, muted {capture.Mutes}, closed {pipeline.Tracker.ClosedWithTotals} (sent {pipeline.Tracker.ClosedBytesSent / 1024.0:F0} KiB, received {pipeline.Tracker.ClosedBytesReceived / 1024.0:F0} KiB), spans {pipeline.Spans}, exported {exporter.Exported}, export drops {exporter.Dropped} failed {exporter.Failed}; TLS files attached {capture.Tls?.AttachedLibraries ?? 0} failed {capture.Tls?.Failures ?? 0}; metric points exported {metricsExporter.Exported} failed {metricsExporter.Failed}, series overflowed {redMetrics.Overflowed}; conntrack lookups {conntrack?.Lookups ?? 0} translated {conntrack?.Translated ?? 0} not found {conntrack?.NotFound ?? 0} failed {conntrack?.Failures ?? 0}; workload reports {reporter?.Reports ?? 0} failed {reporter?.Failed ?? 0} unimplemented {reporter?.Unimplemented ?? 0}"));
            last = now;
        }
    }
    catch (OperationCanceledException)
    {
        // Ctrl+C
    }

    capture.Dispose();
    await consumer;
    await exporter.DisposeAsync();
    await metricsExporter.DisposeAsync();
}

return 0;

// Conntrack is optional: without it (no CAP_NET_ADMIN, no conntrack in the kernel) spans carry no otlpgrains.nat.*.
static ConntrackClient? OpenConntrack(string? netns)
{
    try
    {
        var client = ConntrackClient.Open(netns);
        Console.WriteLine($"otlpgrains-agent: conntrack of {netns ?? "the agent's network namespace"} asked once per connection");
        return client;
    }
    catch (InvalidOperationException e)
    {
        Console.Error.WriteLine($"otlpgrains-agent: conntrack OFF, translated addresses are not resolved: {e.Message}");
        return null;
    }
}
