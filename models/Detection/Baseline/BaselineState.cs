namespace OtlpGrains.Models.Detection.Baseline;

/// <summary>
/// One service's baselines, one per signal of its vector. It grows with the vector (a service's metric series may
/// appear later) up to <see cref="BaselineOptions.MaxSignals"/>. Each signal keeps four windows (values, residuals
/// and their steps) of <see cref="BaselineOptions.RecentWindows"/> values with sorted copies, and 12 bytes per
/// seasonal bin: 16 x 4 x RecentWindows + 12 x SeasonBins bytes and a little bookkeeping, about 4.7 KB with the
/// defaults (so 24 KB for a RED vector, 150 KB at the cap).
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
