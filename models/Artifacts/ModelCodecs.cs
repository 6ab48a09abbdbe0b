using System.Collections.Frozen;

namespace OtlpGrains.Models.Artifacts;

/// <summary>The codecs of every model kind this build knows, by kind.</summary>
public sealed class ModelCodecs
{
    private readonly FrozenDictionary<string, IModelCodec> _byKind;

    public ModelCodecs(IEnumerable<IModelCodec> codecs)
    {
        ArgumentNullException.ThrowIfNull(codecs);
        var byKind = new Dictionary<string, IModelCodec>(StringComparer.Ordinal);
        foreach (IModelCodec codec in codecs)
        {
            // The same codec registered twice (by two features of a host) is one codec; two different ones are a conflict.
            if (!byKind.TryAdd(codec.Kind, codec) && byKind[codec.Kind].GetType() != codec.GetType())
            {
                throw new ArgumentException($"Two codecs for model kind '{codec.Kind}'.", nameof(codecs));
            }
        }

        _byKind = byKind.ToFrozenDictionary(StringComparer.Ordinal);
    }

    /// <summary>The kinds, sorted, for error messages and the API.</summary>
    public IReadOnlyList<string> Kinds => [.. _byKind.Keys.Order(StringComparer.Ordinal)];

    /// <summary>The codec of <paramref name="kind"/>, or a <see cref="ModelArtifactException"/> naming the known kinds.</summary>
    public IModelCodec For(string kind) =>
        _byKind.TryGetValue(kind, out IModelCodec? codec)
            ? codec
            : throw new ModelArtifactException($"unknown model kind '{kind}'; known kinds: {string.Join(", ", Kinds)}");
}
