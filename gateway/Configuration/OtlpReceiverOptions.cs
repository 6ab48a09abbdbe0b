namespace OtlpGrains.Gateway.Configuration;

/// <summary>The OTLP receivers' endpoints and limits. Section <c>OtlpGrains:Otlp</c>.</summary>
public sealed class OtlpReceiverOptions
{
    public const string SectionName = "OtlpGrains:Otlp";

    /// <summary>OTLP/gRPC port (HTTP/2 only, cleartext). Default: 4317.</summary>
    public int GrpcPort { get; set; } = 4317;

    /// <summary>OTLP/HTTP port (<c>POST /v1/traces|metrics|logs</c>). Default: 4318.</summary>
    public int HttpPort { get; set; } = 4318;

    /// <summary>
    /// Address the OTLP ports listen on. Default: 127.0.0.1 (loopback only) when no keys are configured, 0.0.0.0 (every IPv4
    /// interface) when keys are; a non-loopback address without keys needs <c>OtlpGrains:Security:AllowAnonymous=true</c>.
    /// </summary>
    public string ListenAddress { get; set; } = string.Empty;

    /// <summary>
    /// Largest request body in bytes, checked before and after gzip decompression (so a gzip bomb is refused);
    /// larger requests get HTTP 413 / gRPC RESOURCE_EXHAUSTED. Default: 16777216 (16 MiB).
    /// </summary>
    public int MaxRequestBytes { get; set; } = 16 * 1024 * 1024;

    /// <summary>
    /// Spans, data points and log records being handed to the grains at once, over all requests. Above it a
    /// request is refused with HTTP 429 / gRPC RESOURCE_EXHAUSTED and <c>Retry-After</c> so that the sender backs
    /// off; one request is always admitted when nothing else is in flight. Default: 65536.
    /// </summary>
    public int MaxInFlightItems { get; set; } = 65_536;

    /// <summary>Seconds a refused sender is told to wait (<c>Retry-After</c>). Default: 1.</summary>
    public int RetryAfterSeconds { get; set; } = 1;

    /// <summary>
    /// Whether the spans of a service-mesh proxy (an Envoy sidecar or gateway: <c>component</c> "proxy" or an
    /// <c>istio.canonical_service</c> attribute) count as their service's requests and errors. Default: true, right
    /// when the mesh is what traces the services. Set false where the applications also send their own server spans,
    /// which would otherwise count every request twice; the proxy's spans then still join traces and the service graph.
    /// </summary>
    public bool CountMeshProxyRequests { get; set; } = true;

    /// <summary>
    /// Whether the spans' attributes travel with them to the trace shards, so that a kept trace shows them (up to
    /// 4 KB of encoded attributes per span). Default: true. False saves copying every span's attributes once per
    /// request (about their encoded size: 280 B a span for nine typical HTTP attributes); kept traces then show none.
    /// </summary>
    public bool KeepSpanAttributes { get; set; } = true;

    /// <summary>
    /// Longest time the grains get to accept a batch before the sender is told UNAVAILABLE. Keep it below the senders'
    /// export timeout (10 s in the OpenTelemetry SDKs and the Collector), so that a sender hears UNAVAILABLE and retries
    /// the same bytes, which are recognised, instead of giving up on a batch that may still be counted. Default: 8.
    /// </summary>
    public int GrainTimeoutSeconds { get; set; } = 8;
}
