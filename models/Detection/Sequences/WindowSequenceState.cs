namespace OtlpGrains.Models.Detection.Sequences;

/// <summary>
/// A service's state for models that read the last <see cref="Length"/> windows as one input (the TorchSharp
/// autoencoders, the ML.NET PCA over lag-embedded windows): the running robust scale and the last windows in scale
/// units. Bounded: (<see cref="RobustScale.Capacity"/> + Length) values per signal.
/// </summary>
[GenerateSerializer, Alias("otlpgrains.WindowSequenceState")]
public sealed class WindowSequenceState : DetectorState
{
    [Id(0)] private readonly string _kind;
    [Id(1)] private readonly float[] _windows;
    [Id(2)] private int _stored;
    [Id(3)] private int _head;
    [Id(4)] private readonly RobustScale _scale;

    public WindowSequenceState(string kind, int signals, int length)
    {
        ArgumentException.ThrowIfNullOrEmpty(kind);
        ArgumentOutOfRangeException.ThrowIfLessThan(length, 2);
        _kind = kind;
        Length = length;
        _windows = new float[signals * length];
        _scale = new RobustScale(signals);
    }

    public override string Kind => _kind;

    /// <summary>Windows per model input, the newest last.</summary>
    [Id(5)]
    public int Length { get; private set; }

    public int Signals => _scale.Signals;

    /// <summary>
    /// Writes the model input for a new window into <paramref name="sequence"/> (Length x Signals, oldest first): the
    /// previous Length - 1 windows and this one, in scale units. False while the state is still warming up; the
    /// window must then be learnt without a score.
    /// </summary>
    public bool TryPrepare(ReadOnlySpan<double> values, Span<float> sequence)
    {
        bool ready = _stored >= Length - 1 && _scale.Ready;
        int signals = Signals;
        int older = Length - 1;
        for (int i = 0; i < older; i++)
        {
            // The oldest of the last Length - 1 stored windows first.
            int slot = ((_head - older + i) % Length + Length) % Length;
            _windows.AsSpan(slot * signals, signals).CopyTo(sequence.Slice(i * signals, signals));
        }

        _scale.Normalise(values, sequence.Slice(older * signals, signals));
        return ready;
    }

    /// <summary>Stores the newest window (the last row of the prepared sequence) and adds its raw values to the scale.</summary>
    public void Learn(ReadOnlySpan<double> values, ReadOnlySpan<float> preparedSequence)
    {
        int signals = Signals;
        preparedSequence.Slice((Length - 1) * signals, signals).CopyTo(_windows.AsSpan(_head * signals, signals));
        _head = (_head + 1) % Length;
        _stored = Math.Min(_stored + 1, Length);
        _scale.Learn(values);
    }
}
