using OtlpGrains.Gateway.Otlp;

namespace OtlpGrains.Gateway.Ingest;

/// <summary>Takes the items (spans, metrics or log records) of one resource's scopes, one at a time.</summary>
internal interface IResourceItemSink
{
    void Read(ReadOnlySpan<byte> item);
}

/// <summary>
/// What the three OTLP requests share: a ResourceSpans, ResourceMetrics or ResourceLogs names its service in its
/// resource (field 1) and holds scopes (field 2) whose items (field 2) are the spans, metrics or log records. The
/// resource may follow its scopes on the wire, so a first pass names the service and a second hands out the items.
/// </summary>
internal static class ResourceWalk
{
    private const uint ResourceField = (1 << 3) | ProtoReader.Len;
    private const uint ScopesField = (2 << 3) | ProtoReader.Len;
    private const uint ItemsField = (2 << 3) | ProtoReader.Len;

    /// <summary>The service the resource names, or null when it holds no scope, so that there is nothing to read.</summary>
    /// <param name="resource">The message kind of <paramref name="encoded"/>, for the checks of the fields skipped.</param>
    public static string? ServiceName(ReadOnlySpan<byte> encoded, OtlpMessage resource, Utf8StringPool pool) =>
        ServiceName(encoded, resource, pool, out _);

    /// <inheritdoc cref="ServiceName(ReadOnlySpan{byte}, OtlpMessage, Utf8StringPool)"/>
    /// <param name="serviceNamespace">The resource's <c>service.namespace</c>, or null when it has none.</param>
    public static string? ServiceName(ReadOnlySpan<byte> encoded, OtlpMessage resource, Utf8StringPool pool, out string? serviceNamespace)
    {
        var identity = default(ServiceIdentity);
        var scopes = 0;
        var reader = new ProtoReader(encoded);
        while (reader.Next(out uint tag))
        {
            if (tag == ResourceField)
            {
                identity.Add(reader.ReadBytes(), 2);
            }
            else if (tag == ScopesField)
            {
                // Read (and so checked) in the second pass.
                scopes++;
                reader.Skip(tag);
            }
            else
            {
                OtlpSchema.Skip(ref reader, tag, resource, 1);
            }
        }

        serviceNamespace = scopes == 0 ? null : identity.Namespace(pool);
        return scopes == 0 ? null : identity.Name(pool);
    }

    /// <summary>Hands every item of every scope to <paramref name="sink"/>, in wire order.</summary>
    /// <param name="scope">The message kind of the scopes, for the checks of their other fields.</param>
    public static void ReadItems<TSink>(ReadOnlySpan<byte> encoded, OtlpMessage scope, ref TSink sink)
        where TSink : struct, IResourceItemSink
    {
        var reader = new ProtoReader(encoded);
        while (reader.Next(out uint tag))
        {
            if (tag != ScopesField)
            {
                reader.Skip(tag);
                continue;
            }

            var items = new ProtoReader(reader.ReadBytes());
            while (items.Next(out uint itemTag))
            {
                if (itemTag == ItemsField)
                {
                    sink.Read(items.ReadBytes());
                }
                else
                {
                    OtlpSchema.Skip(ref items, itemTag, scope, 2);
                }
            }
        }
    }
}
