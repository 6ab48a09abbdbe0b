using OtlpGrains.Interfaces;
using OtlpGrains.Models.Logs;
using OtlpGrains.Models.Statistics;

namespace OtlpGrains.Models.Services;

/// <summary>A service's log records: windows of counts by severity and template, which close into those counts.</summary>
[GenerateSerializer, Alias("otlpgrains.LogSignal")]
internal sealed class LogSignal
{
    [Id(0)]
    private readonly SignalWindows<LogWindow> _windows;

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
                window.CountTransition(start);
                window.CountTransition(transition);
            }
        }
    }

    /// <summary>Appends the windows that closed, as counts in <see cref="LogSeverity.Names"/> order.</summary>
    public void TakeClosed(List<ClosedWindow> closed)
    {
        foreach (TimeWindow<LogWindow> window in _windows.TakeClosed())
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
}
