using System.Buffers.Binary;
using System.Globalization;
using Google.Protobuf;
using OpenTelemetry.Proto.Common.V1;
using OpenTelemetry.Proto.Trace.V1;
using OtlpGrains.Agent.Protocols;

namespace OtlpGrains.Agent.Export;

/// <summary>
/// Turns a request/response pair seen on a socket into an OTLP span named and attributed by the OpenTelemetry
/// semantic conventions. A server span whose request carried a W3C <c>traceparent</c> joins the caller's trace.
/// </summary>
public static class SpanMapper
{
    private static readonly System.Buffers.SearchValues<char> HexDigits = System.Buffers.SearchValues.Create("0123456789abcdefABCDEF");

    /// <param name="exchange">The pair the parser completed.</param>
    /// <param name="monotonicToUnixNs">Add to a capture timestamp (CLOCK_MONOTONIC ns) to get Unix time in ns.</param>
    /// <param name="peerAddress">The other end's address, when the capture layer knows it.</param>
    /// <param name="peerPort">The other end's port, or 0.</param>
    /// <param name="tls">The exchange was read from TLS plaintext: HTTP spans get <c>url.scheme</c> https.</param>
    public static Span ToSpan(ProtocolExchange exchange, long monotonicToUnixNs, string? peerAddress = null, int peerPort = 0, bool tls = false) =>
        ToSpan(exchange, monotonicToUnixNs, ConnectionAttributes.Peer(exchange.Role, peerAddress, peerPort), tls);

    /// <param name="exchange">The pair the parser completed.</param>
    /// <param name="monotonicToUnixNs">Add to a capture timestamp (CLOCK_MONOTONIC ns) to get Unix time in ns.</param>
    /// <param name="connection">The connection's attributes, built once per connection.</param>
    /// <param name="tls">The exchange was read from TLS plaintext: HTTP spans get <c>url.scheme</c> https.</param>
    public static Span ToSpan(ProtocolExchange exchange, long monotonicToUnixNs, ConnectionAttributes connection, bool tls = false)
    {
        var summary = QuerySummary(exchange);
        var span = new Span
        {
            Name = summary ?? NameOf(exchange, null),
            Kind = KindOf(exchange),
            StartTimeUnixNano = (ulong)(exchange.RequestStartNs + monotonicToUnixNs),
            EndTimeUnixNano = (ulong)(Math.Max(exchange.ResponseEndNs, exchange.RequestEndNs) + monotonicToUnixNs),
            SpanId = RandomId(8),
        };

        if (exchange.Role == ConnectionRole.Server && TraceParent.TryParse(exchange.TraceParent, out var traceId, out var parentId))
        {
            span.TraceId = traceId;
            span.ParentSpanId = parentId;
        }
        else
        {
            span.TraceId = RandomId(16);
        }

        if (exchange.IsError)
        {
            span.Status = new Status
            {
                Code = Status.Types.StatusCode.Error,
                Message = exchange.ErrorCode ?? string.Empty,
            };
        }

        AddAttributes(span, exchange, summary, connection, tls);
        return span;
    }

    /// <summary>
    /// The span name: <c>{method} {path}</c> for HTTP, with id-like path segments folded to <c>{id}</c> to keep the
    /// operation count bounded; <c>{service}/{method}</c> for gRPC; <c>{operation} {database}</c> for databases;
    /// <c>{api} {topic}</c> for Kafka. SQL that names a table is named by its db.query.summary (<c>SELECT items</c>).
    /// </summary>
    public static string NameOf(ProtocolExchange exchange) => NameOf(exchange, QuerySummary(exchange));

    private static string NameOf(ProtocolExchange exchange, string? summary)
    {
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
            ProtocolKind.Http1 or ProtocolKind.Http2 => exchange.Path is { } path
                ? $"{exchange.Method ?? "HTTP"} {LowCardinalityPath(path)}"
                : exchange.Method ?? "HTTP",
            ProtocolKind.Kafka => exchange.Topic is { } topic ? $"{exchange.Operation} {topic}" : exchange.Operation ?? "kafka",
            _ => exchange.DbName is { } db ? $"{exchange.Operation ?? exchange.DbSystemName} {db}" : exchange.Operation ?? exchange.DbSystemName ?? "request",
        };
    }

    /// <summary>Replaces path segments that look like ids (numbers, UUIDs, long hex) with <c>{id}</c>.</summary>
    public static string LowCardinalityPath(string path)
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

    private static string ReplaceIds(string path)
    {
        var segments = path.Split('/');
        for (var i = 0; i < segments.Length; i++)
        {
            if (IsIdSegment(segments[i]))
            {
                segments[i] = "{id}";
            }
        }

        return string.Join('/', segments);
    }

    private static bool IsIdSegment(ReadOnlySpan<char> segment) =>
        segment.Length > 0 && (!segment.ContainsAnyExceptInRange('0', '9') || Guid.TryParse(segment, out _)
            || (segment.Length >= 16 && !segment.ContainsAnyExcept(HexDigits)));

    /// <summary>db.query.summary of SQL statements that name a table; null otherwise.</summary>
    public static string? QuerySummary(ProtocolExchange exchange) =>
        exchange.Kind is ProtocolKind.Postgres or ProtocolKind.MySql ? SqlSummary.Of(exchange.Statement) : null;

    private static Span.Types.SpanKind KindOf(ProtocolExchange exchange) => (exchange.Role, exchange.Kind, exchange.KafkaApiKey) switch
    {
        (ConnectionRole.Server, _, _) => Span.Types.SpanKind.Server,
        (ConnectionRole.Client, ProtocolKind.Kafka, 0) => Span.Types.SpanKind.Producer,
        (ConnectionRole.Client, ProtocolKind.Kafka, 1) => Span.Types.SpanKind.Consumer,
        (ConnectionRole.Client, _, _) => Span.Types.SpanKind.Client,
        _ => Span.Types.SpanKind.Internal,
    };

    private static void AddAttributes(Span span, ProtocolExchange exchange, string? summary, ConnectionAttributes connection, bool tls)
    {
        var attributes = span.Attributes;
        var http = exchange.Kind is ProtocolKind.Http1 or ProtocolKind.Http2 && !exchange.IsGrpc;
        Add(attributes, "http.request.method", exchange.Method);
        Add(attributes, "url.path", http ? exchange.Path : null);
        Add(attributes, "url.scheme", http ? (tls ? "https" : "http") : null);
        if (exchange.StatusCode > 0)
        {
            attributes.Add(new KeyValue { Key = "http.response.status_code", Value = new AnyValue { IntValue = exchange.StatusCode } });
        }

        Add(attributes, "rpc.system", exchange.RpcSystem);
        Add(attributes, "rpc.service", exchange.RpcService);
        Add(attributes, "rpc.method", exchange.RpcMethod);
        if (exchange.IsGrpc && exchange.GrpcStatusCode is { } grpcStatus)
        {
            attributes.Add(new KeyValue { Key = "rpc.grpc.status_code", Value = new AnyValue { IntValue = grpcStatus } });
        }

        Add(attributes, "db.system.name", exchange.DbSystemName);
        Add(attributes, "db.namespace", exchange.DbName);
        Add(attributes, "db.operation.name", exchange.DbSystemName is null ? null : exchange.Operation);
        Add(attributes, "db.query.text", exchange.Kind is ProtocolKind.Postgres or ProtocolKind.MySql ? SqlText.Sanitize(exchange.Statement) : exchange.Statement);
        Add(attributes, "db.query.summary", summary);
        Add(attributes, "db.response.status_code", exchange.DbSystemName is null ? null : exchange.ErrorCode);

        // The database conventions: error.type is the status code of a failed operation.
        Add(attributes, "error.type", exchange.DbSystemName is not null && exchange.IsError ? exchange.ErrorCode ?? "_OTHER" : null);

        Add(attributes, "messaging.system", exchange.MessagingSystem);
        Add(attributes, "messaging.operation.name", exchange.MessagingSystem is null ? null : exchange.Operation);
        Add(attributes, "messaging.destination.name", exchange.Topic);
        Add(attributes, "messaging.client.id", exchange.ClientId);
        attributes.Add(connection.Items);
        if (exchange.StreamId > 0)
        {
            // Concurrent streams on one connection pair by stream in the grains' join.
            attributes.Add(new KeyValue { Key = "otlpgrains.http2.stream_id", Value = new AnyValue { IntValue = exchange.StreamId } });
        }
    }

    private static void Add(Google.Protobuf.Collections.RepeatedField<KeyValue> attributes, string key, string? value)
    {
        if (!string.IsNullOrEmpty(value))
        {
            attributes.Add(new KeyValue { Key = key, Value = new AnyValue { StringValue = value } });
        }
    }

    private static ByteString RandomId(int length)
    {
        Span<byte> bytes = stackalloc byte[16];
        do
        {
            Random.Shared.NextBytes(bytes[..length]);
        }
        while (BinaryPrimitives.ReadUInt64LittleEndian(bytes) == 0);

        return ByteString.CopyFrom(bytes[..length]);
    }
}
