namespace OtlpGrains.Models.Detection.Baseline;

/// <summary>
/// One service's baselines, one per signal of its vector. It grows with the vector (a service's metric series may
/// appear later) up to <see cref="BaselineOptions.MaxSignals"/>; each signal costs about
/// 8 x (RecentWindows + 2 x SeasonBins) bytes plus some 150 bytes of bookkeeping (1.5 KB with the defaults).
/// </summary>
[GenerateSerializer, Alias("otlpgrains.baseline.BaselineState")]
public sealed class BaselineState : DetectorState
{
    [Id(0)] private SignalBaseline[] _signals = [];

    public override string Kind => BaselineModel.KindName;

    /// <summary>Signals followed so far.</summary>
    public int SignalCount => _signals.Length;

    /// <summary>The baselines of the first <paramref name="count"/> signals, created as the vector grows.</summary>
    internal ReadOnlySpan<SignalBaseline> Signals(int count, BaselineOptions options)
    {
        if (count > _signals.Length)
        {
            int old = _signals.Length;
            Array.Resize(ref _signals, count);
            for (int i = old; i < count; i++)
            {
                _signals[i] = new SignalBaseline(options);
            }
        }

        return _signals.AsSpan(0, count);
    }
}
