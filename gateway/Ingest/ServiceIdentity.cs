using OtlpGrains.Gateway.Otlp;

namespace OtlpGrains.Gateway.Ingest;

/// <summary>
/// Names the service of an OTLP resource: <c>service.namespace/service.name</c>, or <c>service.name</c> alone,
/// falling back to <c>k8s.deployment.name</c> and then to <c>unknown_service</c>. Fed the encoded
/// <c>Resource</c> (every occurrence, in order: a parser merges them), it reads the attributes in place.
/// </summary>
internal ref struct ServiceIdentity
{
    public const string Unknown = "unknown_service";

    private const uint AttributesField = (1 << 3) | ProtoReader.Len;

    // Empty when absent or not a string: the rules treat both like an empty string.
    private ReadOnlySpan<byte> _name;
    private ReadOnlySpan<byte> _namespace;
    private ReadOnlySpan<byte> _deployment;

    /// <summary>Reads one encoded <c>Resource</c>; a later attribute of the same key wins.</summary>
    /// <param name="resource">The encoded resource.</param>
    /// <param name="depth">Its nesting in the request.</param>
    public void Add(ReadOnlySpan<byte> resource, int depth)
    {
        var reader = new ProtoReader(resource);
        while (reader.Next(out uint tag))
        {
            if (tag != AttributesField)
            {
                OtlpSchema.Skip(ref reader, tag, OtlpMessage.Resource, depth);
                continue;
            }

            var attribute = new KeyValueView(reader.ReadBytes(), depth + 1);
            if (attribute.Key.SequenceEqual("service.name"u8))
            {
                _name = attribute.Value().StringOrEmpty;
            }
            else if (attribute.Key.SequenceEqual("service.namespace"u8))
            {
                _namespace = attribute.Value().StringOrEmpty;
            }
            else if (attribute.Key.SequenceEqual("k8s.deployment.name"u8))
            {
                _deployment = attribute.Value().StringOrEmpty;
            }
        }
    }

    /// <summary>The service's name, from <paramref name="pool"/> so that a repeated name is one string.</summary>
    public readonly string Name(Utf8StringPool pool)
    {
        var name = _name.IsEmpty ? _deployment : _name;
        if (name.IsEmpty)
        {
            return Unknown;
        }

        if (_namespace.IsEmpty)
        {
            return pool.Get(name);
        }

        // "/" ends any UTF-8 sequence, so decoding the joined bytes equals joining the decoded parts.
        int length = _namespace.Length + 1 + name.Length;
        Span<byte> joined = length <= 512 ? stackalloc byte[length] : new byte[length];
        _namespace.CopyTo(joined);
        joined[_namespace.Length] = (byte)'/';
        name.CopyTo(joined[(_namespace.Length + 1)..]);
        return pool.Get(joined);
    }
}
