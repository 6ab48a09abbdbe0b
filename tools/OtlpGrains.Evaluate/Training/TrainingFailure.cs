namespace OtlpGrains.Evaluate.Training;

/// <summary>Why <c>train</c> stopped, in one line for the operator (API unreachable, too few windows, a refusal).</summary>
internal sealed class TrainingFailure(string message) : Exception(message);
