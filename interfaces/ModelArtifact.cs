namespace OtlpGrains.Interfaces;

/// <summary>The stored bytes of one model version, with the kind that loads them and their SHA-256 (lower-case hex).</summary>
[GenerateSerializer, Immutable, Alias("otlpgrains.ModelArtifact")]
public sealed record ModelArtifact(
    [property: Id(0)] string Kind,
    [property: Id(1)] string Sha256,
    [property: Id(2)] byte[] Bytes);
