using System.Diagnostics;
using System.Net;
using OtlpGrains.Agent.Capture;
using OtlpGrains.Agent.Conntrack;
using OtlpGrains.Agent.Export;
using OtlpGrains.Agent.Metrics;
using OtlpGrains.Agent.Processes;
using OtlpGrains.Agent.Protocols;

namespace OtlpGrains.Agent.Tracking;

/// <summary>
/// Captured socket events in, OTLP spans out: each event goes to the <see cref="ConnectionTracker"/>, each completed
/// exchange becomes a span of its process's service and is queued on the exporter. Traffic to or from the exporter's
/// port is left out, so the agent never traces its own exports (nor the gateway receiving them).
/// </summary>
public sealed class AgentPipeline
{
    private readonly OtlpSpanExporter _exporter;
    private readonly ConnectionTracker _tracker;
    private readonly int _exportPort;
    private readonly IReadOnlySet<int> _ports;
    private readonly ProcessDirectory _processes = new();
    private readonly LoopbackSpanLinker _linker;
    private readonly MemoryBioCorrelator _memoryBio = new();
    private readonly RedMetrics? _redMetrics;
    private long _lastFlushNs;
    private long _eventNs; // the capture time of the event being handled: spans wait for their other half on this clock
    private Action<SocketEvent>? _onDelivered; // OnEvent as the handler of directly delivered events, made once
    private long _publishedAdded = -1;
    private long _lastPublishNs;
    private volatile ProcessSnapshot _published = new([], 0);

    /// <summary>How often <see cref="RunAsync"/> takes what the capture queued (the capture itself drains the kernel every 50 ms, sooner when 256 KiB are queued).</summary>
    public static readonly TimeSpan DrainInterval = TimeSpan.FromMilliseconds(50);

    // Capture timestamps are CLOCK_MONOTONIC ns, the clock of Stopwatch on Linux; this turns them into Unix time.
    private readonly long _monotonicToUnixNs =
        ((DateTimeOffset.UtcNow - DateTimeOffset.UnixEpoch).Ticks * 100) - (long)(Stopwatch.GetTimestamp() * (1e9 / Stopwatch.Frequency));

    /// <param name="ports">When not empty, only connections with one of these local or remote ports are followed.</param>
    /// <param name="redMetrics">When given, every exchange is also counted in the RED metrics.</param>
    public AgentPipeline(OtlpSpanExporter exporter, Uri exportEndpoint, IReadOnlySet<int> ports, RedMetrics? redMetrics = null)
    {
        _exporter = exporter;
        _redMetrics = redMetrics;
        _exportPort = exportEndpoint.Port;
        _ports = ports;
        _tracker = new ConnectionTracker(OnExchange) { Mute = (pid, fd) => Mute?.Invoke(pid, fd) };
        _linker = new LoopbackSpanLinker(Send);
    }

    /// <summary>Client and server spans of local connections linked into one trace.</summary>
    public long Linked => _linker.Linked;

    public ConnectionTracker Tracker => _tracker;

    /// <summary>
    /// The node's conntrack, asked once per connection (at its first span) for the translated tuple; null: not asked.
    /// Connections to loopback are not asked (no Service translates them into loopback).
    /// </summary>
    public ConntrackClient? Conntrack { get; init; }

    /// <summary>The processes seen, by pid (the pipeline's thread only).</summary>
    public ProcessDirectory Processes => _processes;

    /// <summary>
    /// The processes seen, copied for other threads (the workload reporter) within 10 ms of a new one and every 5 s;
    /// <see cref="ProcessSnapshot.Version"/> grows when a process was added.
    /// </summary>
    public ProcessSnapshot PublishedProcesses => _published;

    /// <summary>
    /// Tells the kernel to stop sending a connection's data (pid, fd): for connections filtered out here and those the
    /// tracker gives up on. <see cref="RunAsync"/> sets it to <see cref="SocketCapture.Mute"/> when unset.
    /// </summary>
    public Action<int, int>? Mute { get; set; }

    public long Spans { get; private set; }

    /// <summary>
    /// Each span as it is queued for export, with its process (on the pipeline's thread), as a message object made for
    /// the subscribers only: the export path never builds one.
    /// </summary>
    public event Action<ProcessIdentity, OpenTelemetry.Proto.Trace.V1.Span>? SpanQueued;

    /// <summary>TLS plaintext without a socket (memory BIOs, .NET's SslStream) given the socket of its thread's I/O.</summary>
    public long TlsCorrelated => _memoryBio.Correlated;

    /// <summary>TLS plaintext without a socket that found none.</summary>
    public long TlsUnmatched => _memoryBio.Unmatched;

    /// <summary>Handles one event; the caller disposes it afterwards.</summary>
    public void OnEvent(SocketEvent e)
    {
        bool followed = e.LocalPort != _exportPort && e.RemotePort != _exportPort
            && (_ports.Count == 0 || _ports.Contains(e.LocalPort) || _ports.Contains(e.RemotePort));
        // Before filtering: plaintext without a socket takes its socket from the thread's I/O, whichever it was.
        _memoryBio.OnEvent(e, followed, _tracker);
        if (!followed)
        {
            if (e.Kind == SocketEventKind.Data && e.Fd >= 0)
            {
                Mute?.Invoke(e.Pid, e.Fd);
            }

            return;
        }

        if (e.IsTlsPlaintext && e.Fd < 0)
        {
            return;
        }

        // Who the process is gets read at its first event, while it most likely still runs (a curl may be gone by the
        // time its response is parsed); one already gone is named by its comm.
        _processes.Seen(e.Pid, e.TimestampNs, e, static e => e.Command);
        _eventNs = e.TimestampNs;
        _tracker.OnEvent(e);
        FlushHeld(e.TimestampNs);
    }

    /// <summary>Sends spans that waited for their other half long enough (or all of them).</summary>
    /// <param name="nowNs">The capture clock: the last event's time, or <see cref="SocketCapture.DrainedNs"/> when idle.</param>
    /// <param name="all">Send every held span (at the end).</param>
    public void FlushHeld(long nowNs, bool all = false)
    {
        if (all || nowNs - _lastFlushNs > 10_000_000)
        {
            _lastFlushNs = nowNs;
            _processes.Sweep(nowNs);
            _linker.Flush(nowNs, all);
            if (_processes.Added != _publishedAdded || nowNs - _lastPublishNs > 5_000_000_000)
            {
                _publishedAdded = _processes.Added;
                _lastPublishNs = nowNs;
                _published = new ProcessSnapshot(_processes.Snapshot(), _publishedAdded);
            }
        }
    }

    /// <summary>
    /// Reads events until the capture completes them, on a thread of its own, which also polls the ring buffer when the
    /// capture has no poll thread (<see cref="SocketCapture.PollsInBackground"/>). The queue is drained in rounds every
    /// <see cref="DrainInterval"/> (or at the kernel's wake-up) rather than woken per write: a wake-up per event cost a
    /// thread-pool hand-off (and the pool's spinning) for each of them, the largest part of the agent's CPU at 10,000
    /// HTTP requests/s.
    /// </summary>
    public Task RunAsync(SocketCapture capture, CancellationToken cancellationToken) =>
        Task.Factory.StartNew(() => Run(capture, cancellationToken), cancellationToken, TaskCreationOptions.LongRunning, TaskScheduler.Default);

    private void Run(SocketCapture capture, CancellationToken cancellationToken)
    {
        Mute ??= capture.Mute;
        var reader = capture.Events;
        while (true)
        {
            // A capture without a poll thread of its own is polled here: this thread sleeps in the ring buffer's epoll
            // until the kernel's wake-up or the interval ends, and then handles what it drained, with no hand-off.
            // Its events come straight to OnEvent, in one reused object: none is allocated or queued.
            bool polled = !capture.PollsInBackground && capture.TryPoll(DrainInterval, _onDelivered ??= OnEvent);
            while (reader.TryRead(out var e))
            {
                using (e)
                {
                    OnEvent(e);
                }
            }

            if (reader.Completion.IsCompleted)
            {
                break;
            }

            // Also sends held spans when no events come, once the capture has drained past their wait.
            FlushHeld(capture.DrainedNs);
            if (polled)
            {
                cancellationToken.ThrowIfCancellationRequested();
            }
            else if (cancellationToken.WaitHandle.WaitOne(DrainInterval))
            {
                cancellationToken.ThrowIfCancellationRequested();
            }
        }

        FlushHeld(Stopwatch.GetTimestamp(), all: true);
    }

    private void OnExchange(ConnectionInfo connection, ProtocolExchange exchange)
    {
        var process = _processes.Get(connection.Pid);
        _redMetrics?.Record(process, exchange);

        var attributes = connection.Attributes.Value ??= AttributesOf(connection);
        var span = SpanMapper.ToSpan(exchange, _monotonicToUnixNs, attributes, connection.IsTls);
        _linker.Add(connection, process, span, _eventNs);
    }

    private ConnectionAttributes AttributesOf(ConnectionInfo connection)
    {
        ConntrackEntry? nat = null;
        if (Conntrack is { } conntrack && connection.Local is { } local && connection.Remote is { } remote
            && connection.Role is ConnectionRole.Client or ConnectionRole.Server)
        {
            var (self, peer) = (ConnectionAttributes.Unmapped(local), ConnectionAttributes.Unmapped(remote));
            if (!IPAddress.IsLoopback(peer.Address))
            {
                nat = connection.Role == ConnectionRole.Client ? conntrack.Lookup(self, peer) : conntrack.Lookup(peer, self);
            }
        }

        return ConnectionAttributes.Of(connection.Role, connection.Local, connection.Remote, nat);
    }

    private void Send(ProcessIdentity process, AgentSpan span)
    {
        // The view is taken before the span is queued: from then on the exporter's thread owns it.
        var view = SpanQueued is null ? null : span.ToProto();
        if (_exporter.Enqueue(process, span))
        {
            Spans++;
            if (view is not null)
            {
                SpanQueued?.Invoke(process, view);
            }
        }
    }
}
