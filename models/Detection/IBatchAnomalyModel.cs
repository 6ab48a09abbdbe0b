namespace OtlpGrains.Models.Detection;

/// <summary>
/// A model that scores the closed windows of many services at once, as one computation (one forward pass of a
/// neural network), which is far cheaper per window than one call each. A silo gathers the windows that closed
/// together and calls this once; <see cref="IAnomalyModel.Score"/> is the same computation with a batch of one.
/// </summary>
public interface IBatchAnomalyModel : IAnomalyModel
{
    /// <summary>
    /// Scores window i of <paramref name="vectors"/> for <paramref name="states"/>[i] into <paramref name="results"/>[i],
    /// then lets each state learn its window. The states must be distinct (one per service).
    /// </summary>
    void ScoreBatch(
        ReadOnlySpan<DetectorState> states,
        ReadOnlySpan<long> windowStartsUnixNano,
        ReadOnlySpan<ReadOnlyMemory<double>> vectors,
        Span<AnomalyScore> results);
}
