using System.Buffers.Binary;
using System.Globalization;
using OpenTelemetry.Proto.Trace.V1;
using OtlpGrains.Agent.Protocols;

namespace OtlpGrains.Agent.Export;

/// <summary>
/// Turns a request/response pair seen on a socket into an OTLP span named and attributed by the OpenTelemetry
/// semantic conventions, encoded as it is made (<see cref="AgentSpan"/>). A server span whose request carried a W3C
/// <c>traceparent</c> joins the caller's trace.
/// </summary>
public static class SpanMapper
{
    private static readonly System.Buffers.SearchValues<char> HexDigits = System.Buffers.SearchValues.Create("0123456789abcdefABCDEF");

    /// <param name="exchange">The pair the parser completed.</param>
    /// <param name="monotonicToUnixNs">Add to a capture timestamp (CLOCK_MONOTONIC ns) to get Unix time in ns.</param>
    /// <param name="peerAddress">The other end's address, when the capture layer knows it.</param>
    /// <param name="peerPort">The other end's port, or 0.</param>
    /// <param name="tls">The exchange was read from TLS plaintext: HTTP spans get <c>url.scheme</c> https.</param>
    public static AgentSpan ToSpan(ProtocolExchange exchange, long monotonicToUnixNs, string? peerAddress = null, int peerPort = 0, bool tls = false) =>
        ToSpan(exchange, monotonicToUnixNs, ConnectionAttributes.Peer(exchange.Role, peerAddress, peerPort), tls);

    /// <param name="exchange">The pair the parser completed.</param>
    /// <param name="monotonicToUnixNs">Add to a capture timestamp (CLOCK_MONOTONIC ns) to get Unix time in ns.</param>
    /// <param name="connection">The connection's attributes, built once per connection.</param>
    /// <param name="tls">The exchange was read from TLS plaintext: HTTP spans get <c>url.scheme</c> https.</param>
    public static AgentSpan ToSpan(ProtocolExchange exchange, long monotonicToUnixNs, ConnectionAttributes connection, bool tls = false)
    {
        var summary = QuerySummary(exchange);
        // An HTTP span's name is written from its method and path, never made as a string of its own.
        bool httpName = TryHttpName(exchange, summary, out var nameMethod, out var namePath);
        var name = httpName ? null : NameOf(exchange, summary);
        var queryText = exchange.Kind is ProtocolKind.Postgres or ProtocolKind.MySql ? SqlText.Sanitize(exchange.Statement) : exchange.Statement;
        var http = exchange.Kind is ProtocolKind.Http1 or ProtocolKind.Http2 && !exchange.IsGrpc;
        var database = exchange.DbSystemName;
        var chars = (httpName ? nameMethod.Length + 1 + namePath.Length : name!.Length) + Length(exchange.Method) + (2 * Length(exchange.Path)) + Length(queryText) + Length(summary) + Length(database)
            + Length(exchange.DbName) + (2 * Length(exchange.Operation)) + (3 * Length(exchange.ErrorCode)) + Length(exchange.Topic) + Length(exchange.ClientId);

        // The body goes through a buffer of the pipeline's thread and is kept as an array of its exact size.
        var scratch = Scratch(SpanWriter.Bound(chars, 24));
        var w = new SpanWriter(scratch);
        if (httpName)
        {
            w.Name(nameMethod, namePath);
        }
        else
        {
            w.Name(name!);
        }

        w.Kind(KindOf(exchange));
        w.Times((ulong)(exchange.RequestStartNs + monotonicToUnixNs), (ulong)(Math.Max(exchange.ResponseEndNs, exchange.RequestEndNs) + monotonicToUnixNs));
        w.Attribute("http.request.method"u8, exchange.Method);
        w.Attribute("url.path"u8, http ? exchange.Path : null);
        w.Attribute("url.scheme"u8, http ? (tls ? "https" : "http") : null);
        if (exchange.StatusCode > 0)
        {
            w.Attribute("http.response.status_code"u8, exchange.StatusCode);
        }

        w.Attribute("rpc.system"u8, exchange.RpcSystem);
        if (exchange.IsGrpc && GrpcPath.TrySplit(exchange.Path, out var rpcService, out var rpcMethod))
        {
            w.Attribute("rpc.service"u8, rpcService);
            w.Attribute("rpc.method"u8, rpcMethod);
        }

        if (exchange.IsGrpc && exchange.GrpcStatusCode is { } grpcStatus)
        {
            w.Attribute("rpc.grpc.status_code"u8, grpcStatus);
        }

        w.Attribute("db.system.name"u8, database);
        w.Attribute("db.namespace"u8, exchange.DbName);
        w.Attribute("db.operation.name"u8, database is null ? null : exchange.Operation);
        w.Attribute("db.query.text"u8, queryText);
        w.Attribute("db.query.summary"u8, summary);
        w.Attribute("db.response.status_code"u8, database is null ? null : exchange.ErrorCode);

        // The database conventions: error.type is the status code of a failed operation.
        w.Attribute("error.type"u8, database is not null && exchange.IsError ? exchange.ErrorCode ?? "_OTHER" : null);

        w.Attribute("messaging.system"u8, exchange.MessagingSystem);
        w.Attribute("messaging.operation.name"u8, exchange.MessagingSystem is null ? null : exchange.Operation);
        w.Attribute("messaging.destination.name"u8, exchange.Topic);
        w.Attribute("messaging.client.id"u8, exchange.ClientId);

        // The connection's attributes go here (AgentSpan.WriteTo), then the stream and the status.
        var tailAt = w.Position;
        if (exchange.StreamId > 0)
        {
            // Concurrent streams on one connection pair by stream in the grains' join.
            w.Attribute("otlpgrains.http2.stream_id"u8, exchange.StreamId);
        }

        if (exchange.IsError)
        {
            w.ErrorStatus(exchange.ErrorCode ?? string.Empty);
        }

        var body = scratch.AsSpan(0, w.Position).ToArray();
        if (exchange.Role == ConnectionRole.Server && TraceParent.TryParse(exchange.TraceParent, out var traceId, out var parentId))
        {
            return new AgentSpan(traceId, RandomSpanId(), parentId, body, tailAt, connection);
        }

        return new AgentSpan(RandomTraceId(), RandomSpanId(), 0, body, tailAt, connection);
    }

    /// <summary>
    /// The span name: <c>{method} {path}</c> for HTTP, with id-like path segments folded to <c>{id}</c> to keep the
    /// operation count bounded; <c>{service}/{method}</c> for gRPC; <c>{operation} {database}</c> for databases;
    /// <c>{api} {topic}</c> for Kafka. SQL that names a table is named by its db.query.summary (<c>SELECT items</c>).
    /// </summary>
    public static string NameOf(ProtocolExchange exchange) => NameOf(exchange, QuerySummary(exchange));

    private static string NameOf(ProtocolExchange exchange, string? summary)
    {
        if (TryHttpName(exchange, summary, out var httpMethod, out var httpPath))
        {
            return $"{httpMethod} {httpPath}";
        }

        if (summary is not null)
        {
            return summary;
        }

        if (exchange.IsGrpc && exchange.RpcService is { } service && exchange.RpcMethod is { } method)
        {
            return $"{service}/{method}";
        }

        return exchange.Kind switch
        {
            ProtocolKind.Http1 or ProtocolKind.Http2 => exchange.Method ?? "HTTP",
            ProtocolKind.Kafka => exchange.Topic is { } topic ? $"{exchange.Operation} {topic}" : exchange.Operation ?? "kafka",
            _ => exchange.DbName is { } db ? $"{exchange.Operation ?? exchange.DbSystemName} {db}" : exchange.Operation ?? exchange.DbSystemName ?? "request",
        };
    }

    // The name is {method} {path} for HTTP with a path, unless a query summary or a gRPC method names the span.
    private static bool TryHttpName(ProtocolExchange exchange, string? summary, out string method, out string path)
    {
        if (summary is null && exchange.Kind is ProtocolKind.Http1 or ProtocolKind.Http2 && exchange.Path is { } raw
            && !(exchange.IsGrpc && GrpcPath.TrySplit(raw, out _, out _)))
        {
            (method, path) = (exchange.Method ?? "HTTP", LowCardinalityPath(raw));
            return true;
        }

        (method, path) = (string.Empty, string.Empty);
        return false;
    }

    // The last path asked for on this thread and its answer: the RED metrics and then the span name ask for the
    // same exchange's path (the same string) one after the other, and it is worked out once.
    [ThreadStatic]
    private static string? _lastPath;
    [ThreadStatic]
    private static string? _lastLowCardinalityPath;

    /// <summary>Replaces path segments that look like ids (numbers, UUIDs, long hex) with <c>{id}</c>.</summary>
    public static string LowCardinalityPath(string path)
    {
        if (ReferenceEquals(path, _lastPath))
        {
            return _lastLowCardinalityPath!;
        }

        string result = FoldIds(path);
        (_lastPath, _lastLowCardinalityPath) = (path, result);
        return result;
    }

    private static string FoldIds(string path)
    {
        // Most paths have no id segment: find out without allocating, and hand the same string back.
        int from = 0;
        while (from <= path.Length)
        {
            int end = path.IndexOf('/', from);
            end = end < 0 ? path.Length : end;
            if (IsIdSegment(path.AsSpan(from, end - from)))
            {
                return ReplaceIds(path);
            }

            from = end + 1;
        }

        return path;
    }

    // One string for the result and nothing else: the RED metrics and the span name both ask, for every request.
    private static string ReplaceIds(string path)
    {
        int length = 0;
        foreach (Range segment in path.AsSpan().Split('/'))
        {
            length += (IsIdSegment(path.AsSpan()[segment]) ? IdMark.Length : segment.GetOffsetAndLength(path.Length).Length) + 1;
        }

        return string.Create(length - 1, path, static (destination, path) =>
        {
            int at = 0;
            bool first = true;
            foreach (Range segment in path.AsSpan().Split('/'))
            {
                if (!first)
                {
                    destination[at++] = '/';
                }

                first = false;

                ReadOnlySpan<char> text = path.AsSpan()[segment];
                ReadOnlySpan<char> written = IsIdSegment(text) ? IdMark : text;
                written.CopyTo(destination[at..]);
                at += written.Length;
            }
        });
    }

    private const string IdMark = "{id}";

    private static bool IsIdSegment(ReadOnlySpan<char> segment) =>
        segment.Length > 0 && (!segment.ContainsAnyExceptInRange('0', '9') || Guid.TryParse(segment, out _)
            || (segment.Length >= 16 && !segment.ContainsAnyExcept(HexDigits)));

    /// <summary>db.query.summary of SQL statements that name a table; null otherwise.</summary>
    public static string? QuerySummary(ProtocolExchange exchange) =>
        exchange.Kind is ProtocolKind.Postgres or ProtocolKind.MySql ? SqlSummary.Of(exchange.Statement) : null;

    private static int KindOf(ProtocolExchange exchange) => (int)((exchange.Role, exchange.Kind, exchange.KafkaApiKey) switch
    {
        (ConnectionRole.Server, _, _) => Span.Types.SpanKind.Server,
        (ConnectionRole.Client, ProtocolKind.Kafka, 0) => Span.Types.SpanKind.Producer,
        (ConnectionRole.Client, ProtocolKind.Kafka, 1) => Span.Types.SpanKind.Consumer,
        (ConnectionRole.Client, _, _) => Span.Types.SpanKind.Client,
        _ => Span.Types.SpanKind.Internal,
    });

    private static int Length(string? value) => value?.Length ?? 0;

    [ThreadStatic]
    private static byte[]? _scratch;

    private static byte[] Scratch(int size)
    {
        if (_scratch is null || _scratch.Length < size)
        {
            _scratch = new byte[Math.Max(size, 4096)];
        }

        return _scratch;
    }

    private static UInt128 RandomTraceId() => BinaryPrimitives.ReadUInt128BigEndian(RandomNonZero(stackalloc byte[16]));

    private static ulong RandomSpanId() => BinaryPrimitives.ReadUInt64BigEndian(RandomNonZero(stackalloc byte[8]));

    // An all-zero id is invalid in OTLP.
    private static Span<byte> RandomNonZero(Span<byte> bytes)
    {
        do
        {
            Random.Shared.NextBytes(bytes);
        }
        while (!bytes.ContainsAnyExcept((byte)0));

        return bytes;
    }
}
