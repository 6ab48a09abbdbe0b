using System.Runtime.InteropServices;
using OtlpGrains.Interfaces;
using OtlpGrains.Models.Detection;
using OtlpGrains.Models.Statistics;

namespace OtlpGrains.Models.Services;

/// <summary>
/// A service's spans: windows of requests, errors and request latency per window and per operation, and the
/// window-close features in <see cref="FeatureSchema.Red"/> order.
/// </summary>
[GenerateSerializer, Alias("otlpgrains.SpanSignal")]
internal sealed class SpanSignal
{
    /// <summary>The operation that span names beyond the limit count under.</summary>
    public const string OtherOperation = "other";

    private const double NanosPerSecond = 1_000_000_000d;
    private const int StackIdLimit = 128;

    [Id(0)]
    private readonly SignalWindows<SpanWindow> _windows;

    [Id(1)]
    private readonly CappedNameTable _operations;

    public SpanSignal(ServiceWindowOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        _windows = new SignalWindows<SpanWindow>(options);
        _operations = new CappedNameTable(options.MaxOperations);
    }

    public SignalWindows<SpanWindow> Windows => _windows;

    public CappedNameTable Operations => _operations;

    /// <summary>
    /// Counts every span in <paramref name="counters"/> and places it by end time; late or future spans are only
    /// counted as late.
    /// </summary>
    public void Add(ServiceSpanBatch batch, long nowUnixNano, ServiceCounters counters)
    {
        string[] names = batch.Operations;
        Span<int> operationIds = names.Length <= StackIdLimit ? stackalloc int[names.Length] : new int[names.Length];
        for (int i = 0; i < names.Length; i++)
        {
            // -1: a name beyond the limit, which counts under OtherOperation.
            operationIds[i] = _operations.GetOrAdd(names[i]);
        }

        TraceExemplar[] exemplars = batch.Exemplars;
        int nextExemplar = 0;
        ReadOnlySpan<ServiceSpan> spans = batch.Spans;
        for (int index = 0; index < spans.Length; index++)
        {
            ref readonly ServiceSpan span = ref spans[index];
            bool request = (span.Role & SpanRole.Request) != 0;
            bool error = request && (span.Role & SpanRole.Error) != 0;
            counters.CountSpan(request, error, span.DurationNanos);

            SpanWindow? window = _windows.Place(span.EndUnixNano, nowUnixNano);

            // A batch's exemplars come in the order of their spans (at most two): each goes to its span's window.
            while (nextExemplar < exemplars.Length && exemplars[nextExemplar].SpanIndex <= index)
            {
                TraceExemplar exemplar = exemplars[nextExemplar++];
                if (window is not null && exemplar.SpanIndex == index && (uint)exemplar.Operation < (uint)operationIds.Length && operationIds[exemplar.Operation] >= 0)
                {
                    window.Offer(exemplar with { Operation = operationIds[exemplar.Operation] });
                }
            }

            if (window is null)
            {
                counters.CountLateSpan();
                continue;
            }

            window.Spans++;
            if (request)
            {
                window.Requests++;
                window.RequestLatency.RecordNanos(span.DurationNanos);
                if (error)
                {
                    window.Errors++;
                }
            }

            // A span naming an operation the batch does not carry is malformed; fold it rather than drop it.
            int operationId = (uint)span.Operation < (uint)operationIds.Length ? operationIds[span.Operation] : -2;
            if (operationId < 0)
            {
                if (operationId == -1)
                {
                    counters.CountOtherOperationSpan();
                }

                operationId = _operations.GetOrAddReserved(OtherOperation);
            }
            ref OperationWindow? operation = ref CollectionsMarshal.GetValueRefOrAddDefault(window.Operations, operationId, out _);
            operation ??= new OperationWindow();
            operation.Spans++;
            operation.Latency.RecordNanos(span.DurationNanos);
            if (request)
            {
                operation.Requests++;
                if (error)
                {
                    operation.Errors++;
                }
            }
        }
    }

    /// <summary>The windows that closed, as <see cref="RedFeatures"/> (a quiet window pooled with the minute before it).</summary>
    public void TakeClosed(List<ClosedWindow> closed) => Describe(_windows.TakeClosed(), closed);

    /// <summary>For spans that went idle: their windows through the watermark's, as <see cref="TakeClosed"/> gives them.</summary>
    public void TakeIdle(List<ClosedWindow> closed) => Describe(_windows.TakeIdle(), closed);

    /// <summary>True when a window holding spans has not closed.</summary>
    public bool HasOpenWindows => _windows.HasOpenWindows;

    private void Describe(List<TimeWindow<SpanWindow>> windows, List<ClosedWindow> closed)
    {
        foreach (TimeWindow<SpanWindow> window in windows)
        {
            double seconds = (window.EndUnixNano - window.StartUnixNano) / NanosPerSecond;
            IEnumerable<RedCounts> earlier = _windows.Windows.Range(window.EndUnixNano - RedFeatures.PoolNanos, window.StartUnixNano)
                .Reverse()
                .Select(w => Counts(w.Bucket));
            IEnumerable<RedCounts> history = _windows.Windows.Range(long.MinValue, window.StartUnixNano).Select(w => Counts(w.Bucket));
            closed.Add(new ClosedWindow(
                WindowSignal.Spans,
                window.StartUnixNano,
                window.EndUnixNano,
                FeatureSchema.Red.Signals,
                RedFeatures.Of(seconds, Counts(window.Bucket), earlier, history)));
        }
    }

    private static RedCounts Counts(SpanWindow bucket) => new(bucket.Requests, bucket.Errors, bucket.RequestLatency);
}
