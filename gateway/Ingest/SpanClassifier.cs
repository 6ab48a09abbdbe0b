using OtlpGrains.Gateway.Otlp;
using OtlpGrains.Interfaces;

namespace OtlpGrains.Gateway.Ingest;

/// <summary>
/// Decides once, at the edge, what a span counts as (request, error, root) and which uninstrumented peer a client
/// span calls, by the OpenTelemetry semantic conventions. Fed the span's encoded attributes one by one (in any
/// order relative to its kind and status, which arrive wherever the sender put them), then asked.
/// </summary>
/// <remarks>
/// Failed: status ERROR, an HTTP response status of 500 or more, or a gRPC status that the semantic conventions call
/// a failure for the span's kind (on a SERVER span only UNKNOWN, DEADLINE_EXCEEDED, UNIMPLEMENTED, INTERNAL,
/// UNAVAILABLE and DATA_LOSS; on other kinds any status but OK). The peer is the one named by <c>peer.service</c>,
/// <c>db.system.name</c>/<c>db.system</c> or <c>server.address</c> (in that order of preference) for CLIENT and
/// PRODUCER spans. A later attribute of the same key wins, as it did when the attributes were a decoded list.
/// <para>
/// Spans of a service-mesh proxy (Envoy in Istio) follow older conventions: every attribute is a string
/// (<c>http.status_code</c> "503"), a failure is also tagged <c>error</c> "true" (OpenTracing's convention), and
/// the proxy names the workload it serves in <c>istio.canonical_service</c> while its resource's
/// <c>service.name</c> is Istio's tracing name ("reviews.default"). <see cref="MeshService"/> gives that canonical
/// name, so that a sidecar's spans land on the same service as the application's own.
/// </para>
/// </remarks>
internal ref struct SpanClassifier
{
    public const int Internal = 1;
    public const int Server = 2;
    public const int Client = 3;
    public const int Producer = 4;
    public const int Consumer = 5;

    private const int StatusError = 2;

    private bool _httpFailed;
    private bool _grpcNotOk;
    private bool _grpcServerFailure;
    private bool _errorTag;
    private bool _proxyComponent;

    // Empty when absent or not a string, which the rules treat alike.
    private ReadOnlySpan<byte> _peerService;
    private ReadOnlySpan<byte> _dbSystemName;
    private ReadOnlySpan<byte> _dbSystem;
    private ReadOnlySpan<byte> _serverAddress;
    private ReadOnlySpan<byte> _meshService;

    // The connection, as the agent contract names it (proto/otlpgrains/agent/README.md).
    private ReadOnlySpan<byte> _peerAddress;
    private ReadOnlySpan<byte> _localAddress;
    private ReadOnlySpan<byte> _natPeerAddress;
    private ReadOnlySpan<byte> _natLocalAddress;
    private long? _peerPort;
    private long? _localPort;
    private long? _natPeerPort;
    private long? _natLocalPort;
    private long? _streamId;

    /// <summary>Notes one encoded <c>KeyValue</c> attribute of the span.</summary>
    public void Add(ReadOnlySpan<byte> encodedAttribute, int depth)
    {
        var attribute = new KeyValueView(encodedAttribute, depth);
        var key = attribute.Key;
        switch (key.Length)
        {
            case 25 when key.SequenceEqual("http.response.status_code"u8):
            case 16 when key.SequenceEqual("http.status_code"u8):
                _httpFailed |= IntOf(attribute.Value()) >= 500;
                break;
            case 20 when key.SequenceEqual("rpc.grpc.status_code"u8):
                var code = IntOf(attribute.Value());
                _grpcNotOk |= code is not (null or 0);
                _grpcServerFailure |= code is 2 or 4 or 12 or 13 or 14 or 15;
                break;
            case 12 when key.SequenceEqual("peer.service"u8):
                _peerService = attribute.Value().StringOrEmpty;
                break;
            case 14 when key.SequenceEqual("db.system.name"u8):
                _dbSystemName = attribute.Value().StringOrEmpty;
                break;
            case 9 when key.SequenceEqual("db.system"u8):
                _dbSystem = attribute.Value().StringOrEmpty;
                break;
            case 14 when key.SequenceEqual("server.address"u8):
                _serverAddress = attribute.Value().StringOrEmpty;
                break;
            case 23 when key.SequenceEqual("istio.canonical_service"u8):
                _meshService = attribute.Value().StringOrEmpty;
                break;
            case 9 when key.SequenceEqual("component"u8):
                _proxyComponent = attribute.Value().StringOrEmpty.SequenceEqual("proxy"u8);
                break;
            case 5 when key.SequenceEqual("error"u8):
                _errorTag = IsTrue(attribute.Value());
                break;
            case 20 when key.SequenceEqual("network.peer.address"u8):
                _peerAddress = attribute.Value().StringOrEmpty;
                break;
            case 17 when key.SequenceEqual("network.peer.port"u8):
                _peerPort = IntOf(attribute.Value());
                break;
            case 21 when key.SequenceEqual("network.local.address"u8):
                _localAddress = attribute.Value().StringOrEmpty;
                break;
            case 18 when key.SequenceEqual("network.local.port"u8):
                _localPort = IntOf(attribute.Value());
                break;
            case 27 when key.SequenceEqual("otlpgrains.nat.peer.address"u8):
                _natPeerAddress = attribute.Value().StringOrEmpty;
                break;
            case 24 when key.SequenceEqual("otlpgrains.nat.peer.port"u8):
                _natPeerPort = IntOf(attribute.Value());
                break;
            case 28 when key.SequenceEqual("otlpgrains.nat.local.address"u8):
                _natLocalAddress = attribute.Value().StringOrEmpty;
                break;
            case 25 when key.SequenceEqual("otlpgrains.nat.local.port"u8):
                _natLocalPort = IntOf(attribute.Value());
                break;
            case 26 when key.SequenceEqual("otlpgrains.http2.stream_id"u8):
                _streamId = IntOf(attribute.Value());
                break;
        }
    }

    /// <param name="kind">The span's kind as sent (an enum number, possibly out of range).</param>
    /// <param name="statusCode">The span's status code as sent.</param>
    public readonly bool IsError(int kind, int statusCode) =>
        statusCode == StatusError || _httpFailed || _errorTag || (kind == Server ? _grpcServerFailure : _grpcNotOk);

    /// <summary>The span comes from a mesh proxy: it carries <c>component</c> "proxy" or an Istio canonical service.</summary>
    public readonly bool IsMeshProxy => _proxyComponent || !_meshService.IsEmpty;

    /// <summary>The workload a mesh proxy's span serves (<c>istio.canonical_service</c>, UTF-8); empty for none.</summary>
    public readonly ReadOnlySpan<byte> MeshService => _meshService;

    /// <summary>The peer's name (UTF-8) for a CLIENT or PRODUCER span; empty for none.</summary>
    public readonly ReadOnlySpan<byte> Peer(int kind)
    {
        if (kind is not (Client or Producer))
        {
            return default;
        }

        return !_peerService.IsEmpty ? _peerService
            : !_dbSystemName.IsEmpty ? _dbSystemName
            : !_dbSystem.IsEmpty ? _dbSystem
            : _serverAddress;
    }

    /// <summary>The HTTP/2 stream the span's exchange used (<c>otlpgrains.http2.stream_id</c>), or -1 for none.</summary>
    public readonly long StreamId => _streamId is >= 0 ? _streamId.Value : -1;

    /// <summary>
    /// The span's connection as the server's socket sees it (the agent contract's join key), for a CLIENT or SERVER
    /// span that names both ends: a server span is (peer, local); a client span is its translated tuple
    /// (<c>otlpgrains.nat.local</c>, <c>otlpgrains.nat.peer</c>) when it names one, else (local, peer). False when an
    /// address is missing or a port is not 1-65535.
    /// </summary>
    public readonly bool Connection(int kind, out ReadOnlySpan<byte> clientAddress, out int clientPort, out ReadOnlySpan<byte> serverAddress, out int serverPort)
    {
        bool translated = kind == Client && !_natLocalAddress.IsEmpty && !_natPeerAddress.IsEmpty;
        clientAddress = kind == Server ? _peerAddress : translated ? _natLocalAddress : kind == Client ? _localAddress : default;
        serverAddress = kind == Server ? _localAddress : translated ? _natPeerAddress : kind == Client ? _peerAddress : default;
        clientPort = PortOf(kind == Server ? _peerPort : translated ? _natLocalPort : _localPort);
        serverPort = PortOf(kind == Server ? _localPort : translated ? _natPeerPort : _peerPort);
        return !clientAddress.IsEmpty && !serverAddress.IsEmpty && clientPort > 0 && serverPort > 0;
    }

    private static int PortOf(long? port) => port is > 0 and <= 65535 ? (int)port : 0;

    public static SpanRole RoleOf(bool isRoot, int kind, bool isError)
    {
        var role = SpanRole.None;
        if (isRoot)
        {
            role |= SpanRole.Root;
        }

        if (isRoot || kind is Server or Consumer)
        {
            role |= SpanRole.Request;
        }

        if (isError)
        {
            role |= SpanRole.Error;
        }

        return role;
    }

    /// <summary>Out-of-range kinds count as unspecified.</summary>
    public static SpanKindCode KindOf(int kind) =>
        kind is >= 0 and <= Consumer ? (SpanKindCode)kind : SpanKindCode.Unspecified;

    // OpenTracing's error tag: a bool, or the string "true" as Envoy sends every tag.
    private static bool IsTrue(AnyValueView value) =>
        value.Kind == AnyValueKind.Bool ? value.Bool : value.StringOrEmpty.SequenceEqual("true"u8);

    private static long? IntOf(AnyValueView value) => value.Kind switch
    {
        AnyValueKind.Int => value.Int,
        AnyValueKind.Double => (long)value.Double,
        AnyValueKind.String when long.TryParse(value.Payload, System.Globalization.NumberStyles.Integer, null, out var parsed) => parsed,
        _ => null,
    };
}
