namespace OtlpGrains.Models.Detection;

/// <summary>The parameters every per-signal detector has: a cap on the signals it follows, and a one-line check.</summary>
public interface ISignalModelOptions
{
    /// <summary>Most signals a state follows; values past it get no opinion.</summary>
    int MaxSignals { get; }

    /// <summary>Throws <see cref="ArgumentException"/> with one line naming the first bad value.</summary>
    void Validate();
}
