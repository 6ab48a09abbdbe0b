using System.Collections.Concurrent;
using System.Globalization;
using System.Text;
using OpenTelemetry.Proto.Trace.V1;
using OtlpGrains.Agent.Capture;
using OtlpGrains.Agent.Export;
using OtlpGrains.Agent.Processes;
using OtlpGrains.Agent.Tracking;

namespace OtlpGrains.Agent.Tests;

/// <summary>
/// The agent's capture, pipeline and exporter to a <see cref="LocalSilo"/>, following traffic on one server port (as
/// <c>--port N</c> does), of every process (servers that fork a process per connection, like postgres, have pids nobody
/// knows in advance) or only of watched pids (<c>--watch PID</c>). Keeps each queued span with its process, for checks
/// of attributes the gateway does not return.
/// </summary>
internal sealed class AgentUnderTest : IAsyncDisposable
{
    private readonly OtlpSpanExporter _exporter;
    private readonly Task _running;
    private bool _stopped;

    private AgentUnderTest(LocalSilo silo, int port, IReadOnlyCollection<int> watched)
    {
        Capture = SocketCapture.Start(new SocketCaptureOptions { WatchedPids = watched, PollInBackground = false });
        _exporter = new OtlpSpanExporter(new OtlpExportOptions { Endpoint = silo.GrpcEndpoint, FlushInterval = TimeSpan.FromMilliseconds(100) });
        Pipeline = new AgentPipeline(_exporter, silo.GrpcEndpoint, new HashSet<int> { port });
        Pipeline.SpanQueued += (process, span) => Spans.Enqueue((process, span));
        _running = Task.Run(() => Pipeline.RunAsync(Capture, CancellationToken.None));
    }

    public SocketCapture Capture { get; }

    public AgentPipeline Pipeline { get; }

    public ConcurrentQueue<(ProcessIdentity Process, Span Span)> Spans { get; } = new();

    public long Exported => _exporter.Exported;

    /// <summary>What the capture counted, read when it stopped (drops explain missing spans).</summary>
    public CaptureStatistics? Statistics { get; private set; }

    /// <param name="watched">When not empty, only these pids (and those added with <see cref="SocketCapture.Watch"/>) are captured.</param>
    public static AgentUnderTest Start(LocalSilo silo, int port, params int[] watched) => new(silo, port, watched);

    /// <summary>Polls until <paramref name="count"/> spans were queued or 20 s pass.</summary>
    public async Task WaitForSpansAsync(int count)
    {
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (Spans.Count < count && DateTime.UtcNow < deadline)
        {
            await Task.Delay(50);
        }
    }

    /// <summary>Stops capturing, sends what the linker still holds and flushes the exporter.</summary>
    public async Task StopAsync()
    {
        if (_stopped)
        {
            return;
        }

        _stopped = true;
        Statistics = Capture.GetStatistics();
        Capture.Dispose();
        await _running;
        await _exporter.DisposeAsync();
    }

    public async ValueTask DisposeAsync() => await StopAsync();

    public static long UnixNow() => (DateTimeOffset.UtcNow - DateTimeOffset.UnixEpoch).Ticks * 100;

    public static string? Attribute(Span span, string key) =>
        span.Attributes.FirstOrDefault(a => a.Key == key)?.Value.StringValue;

    /// <summary>The spans in one line each, for failure messages and the report.</summary>
    public static string Describe(IEnumerable<(Processes.ProcessIdentity Process, Span Span)> spans)
    {
        var text = new StringBuilder();
        foreach (var (process, span) in spans)
        {
            text.Append(CultureInfo.InvariantCulture, $"{process.ServiceName} {span.Kind} '{span.Name}' {span.Status?.Code} {span.Status?.Message}:");
            foreach (var attribute in span.Attributes)
            {
                text.Append(CultureInfo.InvariantCulture, $" {attribute.Key}={attribute.Value}");
            }

            text.AppendLine();
        }

        return text.ToString();
    }
}
