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

    /// <summary>The resource's <c>service.namespace</c>, or null when it has none.</summary>
    public readonly string? Namespace(Utf8StringPool pool) => _namespace.IsEmpty ? null : pool.Get(_namespace);

    /// <summary>The service's name, from <paramref name="pool"/> so that a repeated name is one string.</summary>
    public readonly string Name(Utf8StringPool pool)
    {
        var name = _name.IsEmpty ? _deployment : _name;
        if (name.IsEmpty)
        {
            return Unknown;
        }

        return Join(_namespace, name, pool);
    }

    /// <summary><c>namespace/name</c>, or <c>name</c> alone when <paramref name="serviceNamespace"/> is empty.</summary>
    public static string Join(ReadOnlySpan<byte> serviceNamespace, ReadOnlySpan<byte> name, Utf8StringPool pool)
    {
        if (serviceNamespace.IsEmpty)
        {
            return pool.Get(name);
        }

        // "/" ends any UTF-8 sequence, so decoding the joined bytes equals joining the decoded parts.
        int length = serviceNamespace.Length + 1 + name.Length;
        Span<byte> joined = length <= 512 ? stackalloc byte[length] : new byte[length];
        serviceNamespace.CopyTo(joined);
        joined[serviceNamespace.Length] = (byte)'/';
        name.CopyTo(joined[(serviceNamespace.Length + 1)..]);
        return pool.Get(joined);
    }
}
