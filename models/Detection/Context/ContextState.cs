namespace OtlpGrains.Models.Detection.Context;

/// <summary>
/// One service's contextual memories, one per signal of its vector, growing with the vector up to
/// <see cref="ContextOptions.MaxSignals"/>. Each signal keeps its last <see cref="ContextOptions.HistoryWindows"/>
/// values (8 bytes each, to relearn when its bins are recut) and, per resolution, its last
/// <see cref="ContextOptions.MaxOrder"/> bins and a table of <see cref="ContextOptions.TableCapacity"/> slots of 12
/// bytes: about 40 KB per signal in memory with the defaults (one resolution), 88 KB with three.
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
