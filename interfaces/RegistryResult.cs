namespace OtlpGrains.Interfaces;

/// <summary>
/// The answer to a registry operation: either the version it acted on and every version whose stage it changed (in
/// the order they changed), or a refusal that changed nothing.
/// </summary>
[GenerateSerializer, Immutable, Alias("otlpgrains.RegistryResult")]
public sealed record RegistryResult(
    [property: Id(0)] ModelVersion? Version,
    [property: Id(1)] ModelVersion[] Changed,
    [property: Id(2)] RegistryRefusal? Refusal)
{
    public bool Succeeded => Refusal is null;

    public static RegistryResult Done(ModelVersion version, params ModelVersion[] changed) => new(version, changed, null);

    public static RegistryResult Refused(RegistryRefusalKind kind, string reason) => new(null, [], new RegistryRefusal(kind, reason));

    public static RegistryResult Refused(RegistryRefusal refusal) => new(null, [], refusal);
}
