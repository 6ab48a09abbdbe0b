namespace OtlpGrains.Models.Detection;

/// <summary>A signal's state that judges each new value by its novelty in [0, 1].</summary>
public interface INoveltySignal<in TOptions>
{
    double Observe(double value, SignalDirection direction, TOptions options);
}
