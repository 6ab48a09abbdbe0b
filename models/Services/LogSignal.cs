using OtlpGrains.Interfaces;
using OtlpGrains.Models.Logs;
using OtlpGrains.Models.Statistics;

namespace OtlpGrains.Models.Services;

/// <summary>
/// A service's log records: windows of counts by severity and template, which close into those counts. The windows
/// also count the code-path steps of the service's spans, and those come on another stream: exporters batch spans and
/// logs separately, and a backlog (a collector's queue draining, a replay) can hold one minutes behind the other. So a
/// window closes once both streams have passed it, and it is judged with its lines and its steps together. A stream
/// more than the allowed lateness behind the other could no longer land in the window, and is not waited for; nor is
/// one that never came.
/// </summary>
[GenerateSerializer, Alias("otlpgrains.LogSignal")]
internal sealed class LogSignal
{
    [Id(0)]
    private readonly SignalWindows<LogWindow> _windows;

    // The largest event time placed of each stream: log lines, and span ends counted as steps. Absent in a snapshot
    // taken before they were kept, where the windows close at their own watermark as they did then.
    [Id(1)]
    private long? _linesWatermark;

    [Id(2)]
    private long? _stepsWatermark;

    public LogSignal(ServiceWindowOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        _windows = new SignalWindows<LogWindow>(options);
    }

    public SignalWindows<LogWindow> Windows => _windows;

    /// <summary>
    /// Counts log records in the totals and, by severity and by template (<paramref name="templates"/>, one id per
    /// record), in the window of their event time.
    /// </summary>
    public void Add(ServiceLogBatch batch, ReadOnlySpan<int> templates, SpanTemplateChain chain, long nowUnixNano, ServiceCounters counters)
    {
        counters.CountLogs(batch.Logs.Length);
        ReadOnlySpan<LogLine> logs = batch.Logs;
        for (int i = 0; i < logs.Length; i++)
        {
            LogWindow? window = _windows.Place(logs[i].TimeUnixNano, nowUnixNano);
            if (window is not null)
            {
                _linesWatermark = Later(_linesWatermark, logs[i].TimeUnixNano);
                window.BySeverity[LogSeverity.IndexOf(logs[i].SeverityNumber)]++;
                window.CountTemplate(templates[i]);
            }

            (long start, long transition) = chain.Follow(logs[i].SpanId, templates[i]);
            if (window is not null)
            {
                window.CountTransition(start);
                window.CountTransition(transition);
            }
        }
    }

    /// <summary>
    /// Counts the code-path steps of a service's spans that ended (<see cref="SpanTemplateChain.Close"/>) in the log
    /// window of their end: SERVER, CONSUMER and INTERNAL spans, whose code may log; not calls out.
    /// </summary>
    public void AddSpanSteps(ServiceSpanBatch batch, ReadOnlySpan<int> operationIds, SpanTemplateChain chain, long nowUnixNano)
    {
        foreach (ref readonly ServiceSpan span in batch.Spans.AsSpan())
        {
            if (span.SpanId == 0 || span.Kind is SpanKindCode.Client or SpanKindCode.Producer || (uint)span.Operation >= (uint)operationIds.Length || operationIds[span.Operation] < 0)
            {
                continue;
            }

            (long start, long transition) = chain.Close(span.SpanId, TemplateTransition.Operation(operationIds[span.Operation]));
            if (_windows.Place(span.EndUnixNano, nowUnixNano) is { } window)
            {
                _stepsWatermark = Later(_stepsWatermark, span.EndUnixNano);
                window.CountTransition(start);
                window.CountTransition(transition);
            }
        }
    }

    /// <summary>Appends the windows that closed, as counts in <see cref="LogSeverity.Names"/> order.</summary>
    public void TakeClosed(List<ClosedWindow> closed) => Describe(_windows.TakeClosed(ClosingWatermark), closed);

    /// <summary>
    /// For a log signal that went idle (its lines and the spans whose steps it counts): the windows through the newest
    /// one's (lines or code-path steps), as <see cref="TakeClosed"/> gives them.
    /// </summary>
    public void TakeIdle(List<ClosedWindow> closed) => Describe(_windows.TakeIdle(), closed);

    /// <summary>True when a window holding records or steps has not closed.</summary>
    public bool HasOpenWindows => _windows.HasOpenWindows;

    private static void Describe(List<TimeWindow<LogWindow>> windows, List<ClosedWindow> closed)
    {
        foreach (TimeWindow<LogWindow> window in windows)
        {
            closed.Add(new ClosedWindow(
                WindowSignal.Logs,
                window.StartUnixNano,
                window.EndUnixNano,
                LogSeverity.Names,
                Array.ConvertAll(window.Bucket.BySeverity, count => (double)count))
            {
                Templates = [.. window.Bucket.ByTemplate.OrderBy(t => t.Key)],
                Transitions = [.. window.Bucket.ByTransition.OrderBy(t => t.Key)],
            });
        }
    }

    /// <summary>Where the windows close: the stream that is behind, unless it is more than the allowed lateness behind.</summary>
    private long? ClosingWatermark
    {
        get
        {
            if (_windows.Watermark is not { } newest || _linesWatermark is not { } lines || _stepsWatermark is not { } steps)
            {
                return _windows.Watermark;
            }

            long lateness = _windows.Windows.AllowedLatenessNanos;
            long sealing = newest < long.MinValue + lateness ? long.MinValue : newest - lateness;
            return Math.Max(Math.Min(lines, steps), sealing);
        }
    }

    private static long Later(long? watermark, long eventUnixNano) =>
        watermark is { } known && known > eventUnixNano ? known : eventUnixNano;
}
