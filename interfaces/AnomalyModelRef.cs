namespace OtlpGrains.Interfaces;

/// <summary>
/// The model version that scored a window: a registry model's name and version, or <see cref="Builtin"/> (name
/// <c>builtin</c>, version 0) for the streaming baseline a silo uses while the registry has no production version.
/// </summary>
[GenerateSerializer, Immutable, Alias("otlpgrains.AnomalyModelRef")]
public sealed record AnomalyModelRef(
    [property: Id(0)] string Name,
    [property: Id(1)] int Version)
{
    /// <summary>The name of the built-in default (registry names cannot clash: version 0 is never given out).</summary>
    public const string BuiltinName = "builtin";

    /// <summary>The built-in streaming baseline with its default options.</summary>
    public static AnomalyModelRef Builtin { get; } = new(BuiltinName, 0);

    public override string ToString() => $"{Name} v{Version}";
}
