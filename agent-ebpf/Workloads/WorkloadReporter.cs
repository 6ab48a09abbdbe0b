using Grpc.Core;
using OtlpGrains.Agent.Export;
using OtlpGrains.Agent.Processes;
using OtlpGrains.Agent.V1;

namespace OtlpGrains.Agent.Workloads;

/// <summary>
/// Tells the gateway's workload directory (proto/otlpgrains/agent/v1/workloads.proto) which addresses the followed
/// processes use: a complete report every <see cref="Interval"/>, and one soon (within a second) after a new process
/// appears. Sent over the export's endpoint, TLS and headers (<see cref="ExportChannel"/>). A failed report is tried
/// again at the next interval; a gateway without the service (UNIMPLEMENTED) is logged once and asked again only at
/// the interval.
/// </summary>
public sealed class WorkloadReporter : IAsyncDisposable
{
    private static readonly TimeSpan Tick = TimeSpan.FromSeconds(1);
    private readonly ExportChannel _channel;
    private readonly V1.Workloads.WorkloadsClient _client;
    private readonly Func<ProcessSnapshot> _processes;
    private readonly WorkloadScanner _scanner;
    private readonly Action<string> _log;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;
    private readonly TimeProvider _time;
    private bool _loggedUnimplemented;
    private long _reports;
    private long _failed;
    private long _unimplemented;

    /// <param name="processes">The followed processes, readable from any thread (<see cref="Tracking.AgentPipeline.PublishedProcesses"/>).</param>
    public WorkloadReporter(OtlpExportOptions export, string nodeId, Func<ProcessSnapshot> processes, TimeSpan? interval = null,
        Action<string>? log = null, string procRoot = "/proc", TimeProvider? time = null)
    {
        NodeId = nodeId;
        Interval = interval ?? TimeSpan.FromSeconds(10);
        _processes = processes;
        _scanner = new WorkloadScanner(procRoot);
        _log = log ?? Console.Error.WriteLine;
        _time = time ?? TimeProvider.System;
        _channel = ExportChannel.Open(export);
        _client = new V1.Workloads.WorkloadsClient(_channel.Channel);
        _loop = Task.Run(LoopAsync);
    }

    public string NodeId { get; }

    public TimeSpan Interval { get; }

    /// <summary>Reports the gateway accepted.</summary>
    public long Reports => Interlocked.Read(ref _reports);

    /// <summary>Reports that failed (to be sent again at the next interval).</summary>
    public long Failed => Interlocked.Read(ref _failed);

    /// <summary>Reports the gateway did not serve (UNIMPLEMENTED: a gateway without the workload directory).</summary>
    public long Unimplemented => Interlocked.Read(ref _unimplemented);

    /// <summary>The last report sent (or tried), for checks and the log.</summary>
    public WorkloadReport? LastReport { get; private set; }

    /// <summary>Each report as it was sent (or tried), on the reporter's thread.</summary>
    public event Action<WorkloadReport>? Reporting;

    /// <summary>The gateway's answer to the last accepted report.</summary>
    public WorkloadReportReply? LastReply { get; private set; }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        try
        {
            await _loop;
        }
        catch (OperationCanceledException)
        {
            // stopping
        }

        _stop.Dispose();
        _channel.Dispose();
    }

    /// <summary>Scans and sends one complete report now; true when the gateway accepted it.</summary>
    public async Task<bool> ReportAsync(CancellationToken cancellationToken = default)
    {
        var report = new WorkloadReport
        {
            NodeId = NodeId,
            ObservedTimeUnixNano = (ulong)((_time.GetUtcNow() - DateTimeOffset.UnixEpoch).Ticks * 100),
            Complete = true,
        };
        report.Addresses.Add(_scanner.Scan(_processes().Processes));
        LastReport = report;
        Reporting?.Invoke(report);
        try
        {
            LastReply = await _client.ReportAsync(report, new CallOptions(_channel.Headers, DateTime.UtcNow.AddSeconds(10), cancellationToken));
            Interlocked.Increment(ref _reports);
            return true;
        }
        catch (RpcException) when (cancellationToken.IsCancellationRequested)
        {
            return false; // stopping: the report in flight is abandoned, not a failure
        }
        catch (RpcException e) when (e.StatusCode == StatusCode.Unimplemented)
        {
            Interlocked.Increment(ref _unimplemented);
            if (!_loggedUnimplemented)
            {
                _loggedUnimplemented = true;
                _log($"otlpgrains-agent: the gateway does not serve workload reports ({e.Status.Detail}); addresses stay unnamed by this node, asking again every {Interval.TotalSeconds:F0} s");
            }

            return false;
        }
        catch (RpcException e)
        {
            Interlocked.Increment(ref _failed);
            _log($"otlpgrains-agent: workload report failed ({e.StatusCode}: {e.Status.Detail}); retrying in {Interval.TotalSeconds:F0} s");
            return false;
        }
    }

    private async Task LoopAsync()
    {
        long reportedVersion = -1;
        var last = DateTimeOffset.MinValue;
        using var timer = new PeriodicTimer(Tick, _time);
        do
        {
            var now = _time.GetUtcNow();
            long version = _processes().Version;
            // A new process is reported within a tick; otherwise every interval (failed ones too, not sooner).
            if (now - last >= Interval || (version != reportedVersion && version > 0))
            {
                last = now;
                reportedVersion = version;
                await ReportAsync(_stop.Token);
            }
        }
        while (await timer.WaitForNextTickAsync(_stop.Token));
    }
}
