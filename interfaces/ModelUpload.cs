using System.Collections.Immutable;

namespace OtlpGrains.Interfaces;

/// <summary>
/// A version as a client sends it, before any check: the artifact bytes and what the client says about them.
/// </summary>
/// <param name="Name">The model the version belongs to.</param>
/// <param name="Kind">The detector kind; its codec must load the artifact.</param>
/// <param name="DeclaredSchema">The schema the client says the artifact carries; null to take the artifact's.</param>
/// <param name="ClaimedSha256">The SHA-256 the client computed (hex); null when it sent none.</param>
/// <param name="Artifact">The artifact bytes, as the kind's codec wrote them.</param>
[GenerateSerializer, Immutable, Alias("otlpgrains.ModelUpload")]
public sealed record ModelUpload(
    [property: Id(0)] string Name,
    [property: Id(1)] string Kind,
    [property: Id(2)] FeatureSchema? DeclaredSchema,
    [property: Id(3)] DateTimeOffset TrainedFrom,
    [property: Id(4)] DateTimeOffset TrainedTo,
    [property: Id(5)] ImmutableSortedDictionary<string, double> Metrics,
    [property: Id(6)] string? ClaimedSha256,
    [property: Id(7)] string Who,
    [property: Id(8)] string Reason,
    [property: Id(9)] byte[] Artifact);
