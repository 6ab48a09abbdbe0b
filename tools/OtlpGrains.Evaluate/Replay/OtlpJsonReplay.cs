using System.Globalization;
using Google.Protobuf;
using OpenTelemetry.Proto.Collector.Logs.V1;
using OpenTelemetry.Proto.Collector.Metrics.V1;
using OpenTelemetry.Proto.Collector.Trace.V1;

namespace OtlpGrains.Evaluate.Replay;

/// <summary>
/// <c>replay --otlp-json &lt;file-or-dir&gt;</c>: sends recorded OTLP/JSON export requests through OTLP/gRPC in event-time
/// order. Each request goes out whole, at the time of its newest item (as a Collector would have sent it), ordered
/// by that time across all files (ties keep file order). <c>--shift-to</c> moves every time by one offset so that the
/// newest item lands on the target, as the Nezha replay does; <c>--speed</c> paces the requests by event time.
/// </summary>
internal sealed class OtlpJsonReplay(OtlpExporter exporter, TimeProvider time, TextWriter output)
{
    /// <summary>Requests sent so far.</summary>
    public int Requests { get; private set; }

    /// <summary>
    /// Reads and checks every file (nothing is sent when one is unreadable: <see cref="ReplayInputException"/> names
    /// the file and line), then sends. Returns the offset added to the recorded times.
    /// </summary>
    public async Task<long> RunAsync(ReplayOptions options, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(options);
        IReadOnlyList<string> files = OtlpJsonFiles.Find(options.Directory);
        List<OtlpJsonEntry> entries = Order(files.SelectMany(OtlpJsonFiles.Index));
        if (entries.Count == 0)
        {
            throw new ReplayInputException($"no export requests in {options.Directory}");
        }

        long first = entries[0].TimeUnixNano ?? 0, last = entries[^1].TimeUnixNano ?? 0;
        DateTimeOffset wallStart = time.GetUtcNow();
        long shift = options.ShiftTo is not { } target ? 0
            : target.Aligned((target.At is { } at ? EventRange.UnixNanos(at) : EventRange.UnixNanos(wallStart) + (long)((last - first) / (options.Speed ?? double.PositiveInfinity))) - last);
        if (first > 0 && first + shift <= 0)
        {
            throw new ReplayInputException($"--shift-to would move the first event ({Clock(first)}) before 1970");
        }

        output.WriteLine($"{entries.Count} requests in {files.Count} files, {Clock(first)} to {Clock(last)}, sent as {Clock(first + shift)} to {Clock(last + shift)}");

        using var reader = new OtlpJsonReader();
        foreach (OtlpJsonEntry entry in entries)
        {
            ct.ThrowIfCancellationRequested();
            if (options.Speed is double speed && entry.TimeUnixNano is long due)
            {
                TimeSpan wait = wallStart + TimeSpan.FromTicks((long)((due - first) / 100 / speed)) - time.GetUtcNow();
                if (wait > TimeSpan.Zero)
                {
                    await Task.Delay(wait, time, ct);
                }
            }

            IMessage request = reader.Read(entry);
            OtlpTimes.Shift(request, shift);
            await SendAsync(request, entry.Items, ct);
            Requests++;
        }

        await exporter.DrainAsync();
        return shift;
    }

    // A request without any time keeps its place after the one before it in its file.
    private static List<OtlpJsonEntry> Order(IEnumerable<OtlpJsonEntry> entries)
    {
        var timed = new List<OtlpJsonEntry>();
        string? file = null;
        long? previous = null;
        foreach (OtlpJsonEntry entry in entries)
        {
            previous = entry.File == file ? previous : null;
            file = entry.File;
            previous = entry.TimeUnixNano ?? previous;
            timed.Add(entry with { TimeUnixNano = previous });
        }

        long earliest = timed.Min(e => e.TimeUnixNano) ?? 0;
        return [.. timed.Select((e, i) => (Entry: e with { TimeUnixNano = e.TimeUnixNano ?? earliest }, Index: i))
            .OrderBy(p => p.Entry.TimeUnixNano)
            .ThenBy(p => p.Index)
            .Select(p => p.Entry)];
    }

    private Task SendAsync(IMessage request, int items, CancellationToken ct) => request switch
    {
        ExportTraceServiceRequest traces => exporter.SendAsync(traces, items, ct),
        ExportLogsServiceRequest logs => exporter.SendAsync(logs, items, ct),
        ExportMetricsServiceRequest metrics => exporter.SendAsync(metrics, items, ct),
        _ => throw new InvalidOperationException(request.GetType().Name),
    };

    private static string Clock(long unixNano) => EventRange.Time(unixNano).ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture);
}
