using OtlpGrains.Interfaces;

namespace OtlpGrains.Models.Detection;

/// <summary>
/// A loaded model version. Immutable and thread-safe: one instance serves every service grain of a silo, and each
/// caller keeps its own <see cref="DetectorState"/>. Windows are fed one at a time, in event time, and each is
/// scored before the state learns from it.
/// </summary>
public interface IAnomalyModel
{
    /// <summary>The model kind, such as <c>baseline</c>, <c>iforest</c>, <c>mlnet-pca</c>, <c>lstm-ae</c>.</summary>
    string Kind { get; }

    /// <summary>The signals this model reads.</summary>
    FeatureSchema Schema { get; }

    /// <summary>A fresh state for a new service.</summary>
    DetectorState NewState();

    /// <summary>
    /// Scores one closed window, then lets <paramref name="state"/> learn from it.
    /// </summary>
    /// <param name="state">A state made by this model kind (<see cref="NewState"/>, or restored).</param>
    /// <param name="windowStartUnixNano">Event-time start of the window, for seasonality.</param>
    /// <param name="values">The window's vector: the schema's signals first; NaN where a value is missing.</param>
    AnomalyScore Score(DetectorState state, long windowStartUnixNano, ReadOnlySpan<double> values);
}
