namespace OtlpGrains.Models.Detection.Resonance;

/// <summary>
/// One service's resonance memories, one per signal, growing with the vector up to
/// <see cref="ResonanceOptions.MaxSignals"/>. Per signal with the defaults: 512 recent points (4 KB), a block of 2
/// values, and up to 256 categories of 64 weights and a tick (133 KB when full).
/// </summary>
[GenerateSerializer, Alias("otlpgrains.resonance.ResonanceState")]
public sealed class ResonanceState : DetectorState
{
    [Id(0)] private SignalResonance[] _signals = [];

    public override string Kind => ResonanceModel.KindName;

    /// <summary>Signals followed so far.</summary>
    public int SignalCount => _signals.Length;

    /// <summary>The memories of the first <paramref name="count"/> signals, created as the vector grows.</summary>
    internal ReadOnlySpan<SignalResonance> Signals(int count, ResonanceOptions options)
    {
        if (count > _signals.Length)
        {
            int old = _signals.Length;
            Array.Resize(ref _signals, count);
            for (int i = old; i < count; i++)
            {
                _signals[i] = new SignalResonance(options);
            }
        }

        return _signals.AsSpan(0, count);
    }
}
