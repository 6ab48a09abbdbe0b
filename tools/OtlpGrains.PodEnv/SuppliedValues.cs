namespace OtlpGrains.PodEnv;

/// <summary>
/// What a cluster supplies that a render cannot hold: the downward API's values (the pod's name and IP exist only once
/// it is scheduled) and the Secrets an overlay leaves to the operator.
/// </summary>
public sealed record SuppliedValues
{
    /// <summary>Downward API values by field path, e.g. <c>status.podIP</c>; they win over what the render implies.</summary>
    public IReadOnlyDictionary<string, string> Fields { get; init; } = new Dictionary<string, string>(StringComparer.Ordinal);

    /// <summary>Secret keys by Secret name; they win over the render's keys of the same Secret.</summary>
    public IReadOnlyDictionary<string, IReadOnlyDictionary<string, string>> Secrets { get; init; } =
        new Dictionary<string, IReadOnlyDictionary<string, string>>(StringComparer.Ordinal);

    /// <summary>
    /// For checks that read the names and not the values: a Secret neither the render nor <see cref="Secrets"/> holds
    /// reads as <c>&lt;Secret NAME&gt;</c> per key and as no keys when loaded whole, instead of failing.
    /// </summary>
    public bool PlaceholderSecrets { get; init; }
}
