namespace OtlpGrains.Models.Services;

/// <summary>
/// One window of one signal of a service that can no longer change (it ended at or before the signal's watermark
/// minus the allowed lateness), as the store of sealed windows keeps it: written once, read back on a restore.
/// </summary>
[GenerateSerializer, Alias("otlpgrains.SealedWindow")]
public sealed class SealedWindow
{
    [Id(0)]
    private readonly WindowedSignal _signal;

    [Id(1)]
    private readonly long _startUnixNano;

    // A SpanWindow, EdgeWindowSet, MetricWindowSet or LogWindow, by signal.
    [Id(2)]
    private readonly object _bucket;

    internal SealedWindow(WindowedSignal signal, long startUnixNano, object bucket)
    {
        _signal = signal;
        _startUnixNano = startUnixNano;
        _bucket = bucket;
    }

    public WindowedSignal Signal => _signal;

    /// <summary>Start of the window in unix nanoseconds.</summary>
    public long StartUnixNano => _startUnixNano;

    internal object Bucket => _bucket;
}
