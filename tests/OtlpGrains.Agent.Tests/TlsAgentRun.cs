using System.Collections.Concurrent;
using OpenTelemetry.Proto.Trace.V1;
using OtlpGrains.Agent.Capture;
using OtlpGrains.Agent.Export;
using OtlpGrains.Agent.Processes;
using OtlpGrains.Agent.Tls;
using OtlpGrains.Agent.Tracking;

namespace OtlpGrains.Agent.Tests;

/// <summary>
/// The agent with its TLS probes for the end-to-end TLS tests: a capture of watched pids (rescanning for TLS files
/// every 200 ms) and an exporter to a <see cref="LocalSilo"/> start first, so the peers can be started gated; the
/// pipeline starts once the server's port is known (<see cref="Follow"/>). Keeps each queued span with its process.
/// </summary>
internal sealed class TlsAgentRun : IAsyncDisposable
{
    private readonly OtlpSpanExporter _exporter;
    private Task? _running;
    private string? _stopped;

    private TlsAgentRun(LocalSilo silo)
    {
        Silo = silo;
        Capture = SocketCapture.Start(new SocketCaptureOptions { OnlyWatched = true, TlsProbes = true, TlsRescanInterval = TimeSpan.FromMilliseconds(200) });
        _exporter = new OtlpSpanExporter(new OtlpExportOptions { Endpoint = silo.GrpcEndpoint, FlushInterval = TimeSpan.FromMilliseconds(100) });
    }

    public LocalSilo Silo { get; }

    public SocketCapture Capture { get; }

    public AgentPipeline? Pipeline { get; private set; }

    public ConcurrentQueue<(ProcessIdentity Process, Span Span)> Spans { get; } = new();

    public static TlsAgentRun Start(LocalSilo silo) => new(silo);

    /// <summary>Starts the pipeline, following connections on <paramref name="port"/>.</summary>
    public AgentPipeline Follow(int port)
    {
        Pipeline = new AgentPipeline(_exporter, Silo.GrpcEndpoint, new HashSet<int> { port });
        Pipeline.SpanQueued += (process, span) => Spans.Enqueue((process, span));
        var pipeline = Pipeline;
        _running = Task.Run(() => pipeline.RunAsync(Capture, CancellationToken.None));
        return Pipeline;
    }

    /// <summary>Waits up to 20 s for the rescan to attach a file of <paramref name="kind"/>; returns the attached files of that kind.</summary>
    public async Task<IReadOnlyList<string>> WaitForAttachAsync(TlsLibraryKind kind)
    {
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (Capture.Tls!.LibrariesOf(kind).Count == 0 && DateTime.UtcNow < deadline)
        {
            await Task.Delay(50);
        }

        return Capture.Tls.LibrariesOf(kind);
    }

    /// <summary>Waits up to 20 s until <paramref name="done"/> holds for the queued spans.</summary>
    public async Task WaitForSpansAsync(Func<IReadOnlyCollection<(ProcessIdentity Process, Span Span)>, bool> done)
    {
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (!done(Spans) && DateTime.UtcNow < deadline)
        {
            await Task.Delay(50);
        }
    }

    /// <summary>Stops capturing and flushes the exporter; returns the capture's statistics and a description of the run for failure messages.</summary>
    public async Task<string> StopAsync()
    {
        if (_stopped is not null)
        {
            return _stopped;
        }

        CaptureStatistics stats = Capture.GetStatistics();
        Capture.Dispose();
        if (_running is not null)
        {
            await _running;
        }

        await _exporter.DisposeAsync();
        var tracker = Pipeline?.Tracker;
        return _stopped = AgentUnderTest.Describe(Spans.ToArray())
            + $"tracker: exchanges {tracker?.Exchanges} unrecognised {tracker?.Unrecognised} encrypted {tracker?.Encrypted} without socket {tracker?.TlsWithoutSocket}; "
            + $"capture events {stats.Events} drops {stats.KernelDrops}/{stats.PendingDrops}/{stats.QueueDrops}";
    }

    public async ValueTask DisposeAsync() => await StopAsync();

    public static long? StatusCode(Span span) =>
        span.Attributes.FirstOrDefault(a => a.Key == "http.response.status_code")?.Value.IntValue;
}
