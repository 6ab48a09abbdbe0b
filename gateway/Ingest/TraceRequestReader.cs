using System.Buffers;
using System.Buffers.Binary;
using System.Text;
using OtlpGrains.Gateway.Otlp;
using OtlpGrains.Interfaces;

namespace OtlpGrains.Gateway.Ingest;

/// <summary>
/// Reads an OTLP <c>ExportTraceServiceRequest</c> straight from its protobuf bytes into the batches the grains
/// take: validates each span, and groups the spans by service and by trace, so that the gateway calls each grain
/// once per request however many spans it holds. No message tree is built; names come from a per-thread pool.
/// </summary>
/// <remarks>
/// Fields the gateway does not use (scopes, events, links, trace state, most attributes) are not decoded, but they
/// are checked as a parser would check them (<see cref="OtlpSchema"/>): the reader refuses what Google.Protobuf
/// refused. Nesting depths count from the request (0), as the parser's recursion limit does.
/// <para>
/// A span from a mesh proxy that names its workload (<c>istio.canonical_service</c>) belongs to that workload, under
/// the resource's <c>service.namespace</c> if it has one, rather than to the resource's service: Istio names a
/// sidecar's resource "reviews.default", the application names itself "reviews". With
/// <c>countProxyRequests</c> false a proxy's spans keep their place in traces and edges but are not the service's
/// requests or errors, for meshes whose applications trace their own server spans (which would count each request
/// twice).
/// </para>
/// </remarks>
internal static class TraceRequestReader
{
    private const uint ResourceSpansField = (1 << 3) | ProtoReader.Len;

    private const uint TraceIdField = (1 << 3) | ProtoReader.Len;
    private const uint SpanIdField = (2 << 3) | ProtoReader.Len;
    private const uint ParentSpanIdField = (4 << 3) | ProtoReader.Len;
    private const uint NameField = (5 << 3) | ProtoReader.Len;
    private const uint KindField = (6 << 3) | ProtoReader.Varint;
    private const uint StartField = (7 << 3) | ProtoReader.Fixed64;
    private const uint EndField = (8 << 3) | ProtoReader.Fixed64;
    private const uint AttributesField = (9 << 3) | ProtoReader.Len;
    private const uint StatusField = (15 << 3) | ProtoReader.Len;
    private const uint StatusCodeField = (3 << 3) | ProtoReader.Varint;

    // Request, ResourceSpans, ScopeSpans, Span.
    private const int SpanDepth = 3;

    /// <summary>Reads a request; its batch id is the hash of these bytes.</summary>
    /// <exception cref="OtlpFormatException">The bytes are not a valid protobuf encoding.</exception>
    public static TraceIngestPlan Read(ReadOnlySpan<byte> protobuf) => Read(protobuf, BatchIds.Of(protobuf));

    /// <inheritdoc cref="Read(ReadOnlySpan{byte})"/>
    /// <param name="countProxyRequests">Whether a mesh proxy's spans count as the service's requests.</param>
    public static TraceIngestPlan Read(ReadOnlySequence<byte> protobuf, bool countProxyRequests = true) =>
        countProxyRequests
            ? ProtobufBody.Read(protobuf, static body => Read(body, BatchIds.Of(body)))
            : ProtobufBody.Read(protobuf, static body => Read(body, BatchIds.Of(body), countProxyRequests: false));

    /// <summary>Reads a request that arrived in another encoding, named by <paramref name="batchId"/>.</summary>
    /// <param name="countProxyRequests">Whether a mesh proxy's spans count as the service's requests.</param>
    /// <exception cref="OtlpFormatException">The bytes are not a valid protobuf encoding.</exception>
    public static TraceIngestPlan Read(ReadOnlySpan<byte> protobuf, Guid batchId, bool countProxyRequests = true)
    {
        var grouping = PerThread<TraceGrouping>.Rent();
        try
        {
            var pool = Utf8StringPool.Current;
            var request = new ProtoReader(protobuf);
            while (request.Next(out uint tag))
            {
                if (tag == ResourceSpansField)
                {
                    ReadResourceSpans(request.ReadBytes(), grouping, pool, countProxyRequests);
                }
                else
                {
                    OtlpSchema.Skip(ref request, tag, OtlpMessage.TraceRequest, 0);
                }
            }

            return grouping.Build(batchId);
        }
        finally
        {
            PerThread<TraceGrouping>.Return(grouping);
        }
    }

    private static void ReadResourceSpans(ReadOnlySpan<byte> encoded, TraceGrouping grouping, Utf8StringPool pool, bool countProxyRequests)
    {
        if (ResourceWalk.ServiceName(encoded, OtlpMessage.ResourceSpans, pool, out var serviceNamespace) is not { } name)
        {
            return;
        }

        var spans = new SpanSink(new ResourceService(name, serviceNamespace, countProxyRequests), grouping, pool);
        ResourceWalk.ReadItems(encoded, OtlpMessage.ScopeSpans, ref spans);
    }

    /// <summary>The spans of one resource into the grouping, its service taken once it has a valid span.</summary>
    private struct SpanSink(ResourceService service, TraceGrouping grouping, Utf8StringPool pool) : IResourceItemSink
    {
        private ResourceService _service = service;

        public void Read(ReadOnlySpan<byte> item) => ReadSpan(item, ref _service, grouping, pool);
    }

    private static void ReadSpan(ReadOnlySpan<byte> encoded, ref ResourceService service, TraceGrouping grouping, Utf8StringPool pool)
    {
        ReadOnlySpan<byte> traceId = default, spanId = default, parentSpanId = default, name = default;
        int kind = 0, status = 0;
        ulong start = 0, end = 0;
        var classifier = default(SpanClassifier);
        var reader = new ProtoReader(encoded);
        while (reader.Next(out uint tag))
        {
            switch (tag)
            {
                case TraceIdField:
                    traceId = reader.ReadBytes();
                    break;
                case SpanIdField:
                    spanId = reader.ReadBytes();
                    break;
                case ParentSpanIdField:
                    parentSpanId = reader.ReadBytes();
                    break;
                case NameField:
                    name = reader.ReadBytes();
                    OtlpSchema.CheckUtf8(name);
                    break;
                case KindField:
                    kind = reader.ReadInt32();
                    break;
                case StartField:
                    start = reader.ReadFixed64();
                    break;
                case EndField:
                    end = reader.ReadFixed64();
                    break;
                case AttributesField:
                    classifier.Add(reader.ReadBytes(), SpanDepth + 1);
                    break;
                case StatusField:
                    status = StatusCodeOf(reader.ReadBytes(), status);
                    break;
                default:
                    OtlpSchema.Skip(ref reader, tag, OtlpMessage.Span, SpanDepth);
                    break;
            }
        }

        var problem = SpanValidator.Check(traceId, spanId, parentSpanId);
        if (problem is not null)
        {
            grouping.Reject(problem);
            return;
        }

        var isError = classifier.IsError(kind, status);
        var hasParent = SpanValidator.HasParent(parentSpanId);
        var role = SpanClassifier.RoleOf(!hasParent, kind, isError);
        string serviceName;
        int serviceIndex;
        if (classifier.MeshService.IsEmpty)
        {
            if (service.Index < 0)
            {
                service.Index = grouping.Service(service.Name);
            }

            serviceName = service.Name;
            serviceIndex = service.Index;
        }
        else
        {
            // A sidecar's spans all name one workload: join and look it up once per resource, not once per span.
            var canonical = pool.Get(classifier.MeshService);
            if (!string.Equals(canonical, service.MeshCanonical, StringComparison.Ordinal))
            {
                service.MeshCanonical = canonical;
                service.MeshName = MeshServiceName(service.Namespace, classifier.MeshService, pool);
                service.MeshIndex = grouping.Service(service.MeshName);
            }

            serviceName = service.MeshName!;
            serviceIndex = service.MeshIndex;
        }

        if (!service.CountProxyRequests && classifier.IsMeshProxy)
        {
            role = SpanRole.None;
        }

        var kindCode = SpanClassifier.KindOf(kind);
        var id = BinaryPrimitives.ReadUInt64BigEndian(spanId);
        var operation = pool.Get(name);
        var peer = classifier.Peer(kind);
        grouping.SpansOf(serviceIndex).Add(operation, id, (long)end, Math.Max(0, (long)end - (long)start), kindCode, role);
        var trace = TraceKey.From(traceId);
        if (kind is SpanClassifier.Client or SpanClassifier.Server
            && classifier.Connection(kind, out var clientAddress, out int clientPort, out var serverAddress, out int serverPort))
        {
            // One end of a request a node agent saw: its other half may come from another node. See JoinShardGrain.
            var key = new ConnectionKey(pool.Get(clientAddress), clientPort, pool.Get(serverAddress), serverPort);
            grouping.AddHalf(serviceName, new JoinHalf(key, kind == SpanClassifier.Server, (long)start, (long)end, trace, id, classifier.StreamId, hasParent));
        }

        grouping.AddToTrace(trace, new TraceSpan(
            id,
            hasParent ? BinaryPrimitives.ReadUInt64BigEndian(parentSpanId) : 0,
            grouping.Label(serviceName, operation, peer.IsEmpty ? null : pool.Get(peer)),
            kindCode,
            (long)start,
            (long)end,
            (byte)status,
            isError));
    }

    // Every occurrence of the status merges into one, as a parser merges them: the last code sent wins.
    private static int StatusCodeOf(ReadOnlySpan<byte> encoded, int code)
    {
        var reader = new ProtoReader(encoded);
        while (reader.Next(out uint tag))
        {
            if (tag == StatusCodeField)
            {
                code = reader.ReadInt32();
            }
            else
            {
                OtlpSchema.Skip(ref reader, tag, OtlpMessage.Status, SpanDepth + 1);
            }
        }

        return code;
    }

    // The workload a mesh proxy's span names, under the resource's namespace as ServiceIdentity joins it.
    private static string MeshServiceName(string? serviceNamespace, ReadOnlySpan<byte> meshService, Utf8StringPool pool)
    {
        if (serviceNamespace is null)
        {
            return pool.Get(meshService);
        }

        int length = Encoding.UTF8.GetByteCount(serviceNamespace);
        Span<byte> encoded = length <= 256 ? stackalloc byte[length] : new byte[length];
        Encoding.UTF8.GetBytes(serviceNamespace, encoded);
        return ServiceIdentity.Join(encoded, meshService, pool);
    }

    /// <summary>A resource's service, and its index in the grouping once it has an accepted span.</summary>
    private struct ResourceService(string name, string? serviceNamespace, bool countProxyRequests)
    {
        public readonly string Name = name;
        public readonly string? Namespace = serviceNamespace;
        public readonly bool CountProxyRequests = countProxyRequests;
        public int Index = -1;

        // The last workload a mesh proxy's span of this resource named, its service name and index in the grouping.
        public string? MeshCanonical;
        public string? MeshName;
        public int MeshIndex;
    }
}
