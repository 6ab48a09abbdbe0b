namespace OtlpGrains.Models.Detection;

/// <summary>
/// What one service (or one NAB file) keeps between windows for a model: baselines, reservoirs, recent windows.
/// Bounded in size, and serializable with the Orleans serializer so that a grain checkpoints it with its windows;
/// a restored state gives the same scores as the one that was saved.
/// </summary>
/// <remarks>Subclasses are <c>[GenerateSerializer]</c> and belong to the model kind that created them.</remarks>
[GenerateSerializer, Alias("otlpgrains.DetectorState")]
public abstract class DetectorState
{
    /// <summary>The <see cref="IAnomalyModel.Kind"/> of the model that created this state.</summary>
    public abstract string Kind { get; }
}
