namespace OtlpGrains.Agent.Protocols;

/// <summary>
/// One completed request/response pair. Times are the capture layer's monotonic nanoseconds: the start is the chunk
/// that carried a message's first byte, the end the chunk that carried its last. Fields that do not apply stay null/0.
/// </summary>
public sealed record ProtocolExchange
{
    public required ProtocolKind Kind { get; init; }

    public required ConnectionRole Role { get; init; }

    public long RequestStartNs { get; init; }

    public long RequestEndNs { get; init; }

    /// <summary>0 when no response is expected (Kafka produce with acks=0).</summary>
    public long ResponseStartNs { get; init; }

    public long ResponseEndNs { get; init; }

    /// <summary>http.request.method (HTTP/1, HTTP/2).</summary>
    public string? Method { get; init; }

    /// <summary>url.path without the query (HTTP), or the gRPC path "/package.Service/Method".</summary>
    public string? Path { get; init; }

    /// <summary>http.response.status_code; 0 when there is none.</summary>
    public int StatusCode { get; init; }

    /// <summary>True when the request's content-type was application/grpc (HTTP/2 only).</summary>
    public bool IsGrpc { get; init; }

    /// <summary>rpc.grpc.status_code from the trailers (or a trailers-only response).</summary>
    public int? GrpcStatusCode { get; init; }

    /// <summary>db.operation.name (Redis command, first SQL keyword, MySQL command) or the Kafka api ("produce", "fetch").</summary>
    public string? Operation { get; init; }

    /// <summary>db.query.text as captured (cut at <see cref="ParserLimits.MaxTextLength"/> or at the capture limit).</summary>
    public string? Statement { get; init; }

    /// <summary>db.namespace: the database of the connection when its start-up was seen.</summary>
    public string? DbName { get; init; }

    /// <summary>db.response.status_code: SQLSTATE, MySQL error number or the Redis error prefix.</summary>
    public string? ErrorCode { get; init; }

    /// <summary>Kafka api key of the request; -1 for other protocols.</summary>
    public int KafkaApiKey { get; init; } = -1;

    /// <summary>messaging.destination.name: the first topic of a Kafka produce/fetch, when it was in the captured bytes.</summary>
    public string? Topic { get; init; }

    /// <summary>messaging.client.id for Kafka.</summary>
    public string? ClientId { get; init; }

    /// <summary>The request's W3C traceparent header, verbatim.</summary>
    public string? TraceParent { get; init; }

    /// <summary>The outcome is an error: ERR replies, ErrorResponse, HTTP 5xx (4xx too on the client side), gRPC failures.</summary>
    public bool IsError { get; init; }

    /// <summary>Part of the exchange was past the captured bytes and its end was inferred, not read.</summary>
    public bool Truncated { get; init; }

    /// <summary>The HTTP/2 stream the exchange used (HTTP/2 and gRPC); 0 for other protocols.</summary>
    public int StreamId { get; init; }

    /// <summary>The MySQL-protocol server announced itself as MariaDB in its greeting.</summary>
    public bool IsMariaDb { get; init; }

    /// <summary>db.system.name.</summary>
    public string? DbSystemName => Kind switch
    {
        ProtocolKind.Postgres => "postgresql",
        ProtocolKind.MySql => IsMariaDb ? "mariadb" : "mysql",
        ProtocolKind.Redis => "redis",
        _ => null,
    };

    /// <summary>messaging.system.</summary>
    public string? MessagingSystem => Kind == ProtocolKind.Kafka ? "kafka" : null;

    /// <summary>rpc.system.</summary>
    public string? RpcSystem => IsGrpc ? "grpc" : null;

    /// <summary>rpc.service from a gRPC path "/package.Service/Method".</summary>
    public string? RpcService => IsGrpc && GrpcPath.TrySplit(Path, out var service, out _) ? service : null;

    /// <summary>rpc.method from a gRPC path "/package.Service/Method".</summary>
    public string? RpcMethod => IsGrpc && GrpcPath.TrySplit(Path, out _, out var method) ? method : null;
}
