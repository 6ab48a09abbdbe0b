namespace OtlpGrains.Interfaces;

/// <summary>
/// The named signals of a window's feature vector, in order. A vector may carry more values than its schema names
/// (a service's own OTLP metric series follow the fixed signals): a model reads the values its schema names and
/// ignores the rest, unless it is built to take every value (<see cref="OpenEnded"/>).
/// </summary>
[GenerateSerializer, Immutable, Alias("otlpgrains.FeatureSchema")]
public sealed record FeatureSchema(
    [property: Id(0)] string Name,
    [property: Id(1)] string[] Signals,
    [property: Id(2)] bool OpenEnded)
{
    /// <summary>A single unnamed value per window, as in the NAB corpus.</summary>
    public static FeatureSchema Univariate { get; } = new("univariate.v1", ["value"], OpenEnded: false);

    /// <summary>
    /// A service's RED window: request rate (per second), error ratio, and p50/p95/p99 latency (ms) of its requests.
    /// With <see cref="OpenEnded"/> the service's OTLP metric series may follow.
    /// </summary>
    public static FeatureSchema Red { get; } = new("red.v1", ["rate", "errorRatio", "p50", "p95", "p99"], OpenEnded: true);

    /// <summary>True when a model trained on <paramref name="other"/> can score vectors of this schema.</summary>
    public bool Accepts(FeatureSchema other) =>
        other is not null && Name == other.Name && Signals.AsSpan().SequenceEqual(other.Signals);
}
