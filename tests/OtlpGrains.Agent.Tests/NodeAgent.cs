using System.Collections.Concurrent;
using OpenTelemetry.Proto.Trace.V1;
using OtlpGrains.Agent.Capture;
using OtlpGrains.Agent.Conntrack;
using OtlpGrains.Agent.Export;
using OtlpGrains.Agent.Processes;
using OtlpGrains.Agent.Tracking;
using OtlpGrains.Agent.Workloads;

namespace OtlpGrains.Agent.Tests;

/// <summary>
/// One emulated node's agent, wired as the agent's <c>--netns PATH --node-id ID</c> wires it: capture filtered in the
/// kernel to the namespace, conntrack read inside it, spans with <c>host.id</c>, workload reports to the silo. Keeps
/// each queued span with its process for checks of attributes the gateway does not return.
/// </summary>
internal sealed class NodeAgent : IAsyncDisposable
{
    private readonly OtlpSpanExporter _exporter;
    private readonly Task _running;
    private bool _stopped;

    private NodeAgent(LocalSilo silo, string netns, string nodeId)
    {
        NodeId = nodeId;
        var export = new OtlpExportOptions { Endpoint = silo.GrpcEndpoint, FlushInterval = TimeSpan.FromMilliseconds(100), NodeId = nodeId };
        Capture = SocketCapture.Start(new SocketCaptureOptions { NetworkNamespace = netns });
        Conntrack = ConntrackClient.Open(netns);
        _exporter = new OtlpSpanExporter(export);
        Pipeline = new AgentPipeline(_exporter, silo.GrpcEndpoint, new HashSet<int>()) { Conntrack = Conntrack };
        Pipeline.SpanQueued += (process, span) => Spans.Enqueue((process, span.Clone()));
        Reporter = new WorkloadReporter(export, nodeId, () => Pipeline.PublishedProcesses, log: line => Log.Enqueue(line));
        Reporter.Reporting += report => Reports.Enqueue(report);
        _running = Task.Run(() => Pipeline.RunAsync(Capture, CancellationToken.None));
    }

    public string NodeId { get; }

    public SocketCapture Capture { get; }

    public ConntrackClient Conntrack { get; }

    public AgentPipeline Pipeline { get; }

    public WorkloadReporter Reporter { get; }

    public ConcurrentQueue<(ProcessIdentity Process, Span Span)> Spans { get; } = new();

    public ConcurrentQueue<string> Log { get; } = new();

    public ConcurrentQueue<V1.WorkloadReport> Reports { get; } = new();

    public static NodeAgent Start(LocalSilo silo, string netns, string nodeId) => new(silo, netns, nodeId);

    /// <summary>Stops capturing, sends what the linker still holds, flushes the exporter and stops reporting.</summary>
    public async Task StopAsync()
    {
        if (_stopped)
        {
            return;
        }

        _stopped = true;
        Capture.Dispose();
        await _running;
        await _exporter.DisposeAsync();
        await Reporter.DisposeAsync();
        Conntrack.Dispose();
    }

    public async ValueTask DisposeAsync() => await StopAsync();
}
