namespace OtlpGrains.Models.Detection.Context;

/// <summary>
/// One service's contextual memories, one per signal of its vector, growing with the vector up to
/// <see cref="ContextOptions.MaxSignals"/>. Each signal keeps its warm-up values until its bins are fixed
/// (8 bytes each), its last <see cref="ContextOptions.MaxOrder"/> bins and a table of
/// <see cref="ContextOptions.TableCapacity"/> slots of 12 bytes: about 50 KB per signal with the defaults, 250 KB for
/// a RED vector.
/// </summary>
[GenerateSerializer, Alias("otlpgrains.context.ContextState")]
public sealed class ContextState : DetectorState
{
    [Id(0)] private SignalContext[] _signals = [];

    public override string Kind => ContextModel.KindName;

    /// <summary>Signals followed so far.</summary>
    public int SignalCount => _signals.Length;

    /// <summary>The memories of the first <paramref name="count"/> signals, created as the vector grows.</summary>
    internal ReadOnlySpan<SignalContext> Signals(int count, ContextOptions options)
    {
        if (count > _signals.Length)
        {
            int old = _signals.Length;
            Array.Resize(ref _signals, count);
            for (int i = old; i < count; i++)
            {
                _signals[i] = new SignalContext(options);
            }
        }

        return _signals.AsSpan(0, count);
    }
}
