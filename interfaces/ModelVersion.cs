using System.Collections.Immutable;

namespace OtlpGrains.Interfaces;

/// <summary>
/// One registered version of a model. Everything but <see cref="Stage"/> is fixed at registration: a new artifact
/// is a new version.
/// </summary>
/// <param name="Name">The model's name, shared by all its versions.</param>
/// <param name="Number">1, 2, 3... in order of registration.</param>
/// <param name="Kind">The detector kind, which names the codec that loads the artifact.</param>
/// <param name="Schema">The signals the model reads; every version of a model has the same one.</param>
/// <param name="TrainedFrom">Start of the training data's range.</param>
/// <param name="TrainedTo">End of the training data's range.</param>
/// <param name="Metrics">Evaluation results, such as <c>nab.standard</c>.</param>
/// <param name="Sha256">Lower-case hex SHA-256 of the artifact, computed by the registry.</param>
/// <param name="SizeBytes">Length of the artifact.</param>
/// <param name="CreatedAt">When the registry accepted the version.</param>
/// <param name="CreatedBy">Who registered it.</param>
/// <param name="Stage">Where it stands now.</param>
[GenerateSerializer, Immutable, Alias("otlpgrains.ModelVersion")]
public sealed record ModelVersion(
    [property: Id(0)] string Name,
    [property: Id(1)] int Number,
    [property: Id(2)] string Kind,
    [property: Id(3)] FeatureSchema Schema,
    [property: Id(4)] DateTimeOffset TrainedFrom,
    [property: Id(5)] DateTimeOffset TrainedTo,
    [property: Id(6)] ImmutableSortedDictionary<string, double> Metrics,
    [property: Id(7)] string Sha256,
    [property: Id(8)] long SizeBytes,
    [property: Id(9)] DateTimeOffset CreatedAt,
    [property: Id(10)] string CreatedBy,
    [property: Id(11)] ModelStage Stage);
