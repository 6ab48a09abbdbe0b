namespace OtlpGrains.Agent.Export;

/// <summary>Where and how the agent sends its spans.</summary>
public sealed class OtlpExportOptions
{
    /// <summary>
    /// The gateway's OTLP/gRPC endpoint. Default: <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> when set, else
    /// http://127.0.0.1:4317.
    /// </summary>
    public Uri Endpoint { get; set; } = DefaultEndpoint();

    /// <summary>Spans waiting to be sent; beyond it new spans are dropped and counted. Default: 65536.</summary>
    public int QueueCapacity { get; set; } = 65_536;

    /// <summary>
    /// Most spans in one export request. Default: 2048 (about 0.9 MB of the agent's spans; the gateway takes 16 MB): a
    /// node agent sends for every process of its node, and each request costs a gRPC call's wake-ups on both sides.
    /// </summary>
    public int MaxBatchSize { get; set; } = 2048;

    /// <summary>Longest time a span waits for its batch to fill. Default: 1 s.</summary>
    public TimeSpan FlushInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// Headers sent with every export as gRPC metadata, in the OpenTelemetry format: comma-separated
    /// <c>key=value</c> pairs, values percent-encoded (e.g. <c>authorization=Bearer%20KEY</c>; a plain space works too).
    /// Default: <c>OTEL_EXPORTER_OTLP_HEADERS</c>.
    /// </summary>
    public string? Headers { get; set; } = Environment.GetEnvironmentVariable("OTEL_EXPORTER_OTLP_HEADERS");

    /// <summary>
    /// PEM file of the CA (one or more certificates) that the gateway's certificate must chain to on an <c>https</c>
    /// endpoint, instead of the system's trust store. Default: <c>OTEL_EXPORTER_OTLP_CERTIFICATE</c>, else the system's.
    /// </summary>
    public string? CertificatePath { get; set; } = Environment.GetEnvironmentVariable("OTEL_EXPORTER_OTLP_CERTIFICATE");

    /// <summary>
    /// PEM client certificate for a gateway that requires mutual TLS (with <see cref="ClientKeyPath"/>). Default:
    /// <c>OTEL_EXPORTER_OTLP_CLIENT_CERTIFICATE</c>.
    /// </summary>
    public string? ClientCertificatePath { get; set; } = Environment.GetEnvironmentVariable("OTEL_EXPORTER_OTLP_CLIENT_CERTIFICATE");

    /// <summary>PEM private key of <see cref="ClientCertificatePath"/>. Default: <c>OTEL_EXPORTER_OTLP_CLIENT_KEY</c>.</summary>
    public string? ClientKeyPath { get; set; } = Environment.GetEnvironmentVariable("OTEL_EXPORTER_OTLP_CLIENT_KEY");

    /// <summary>
    /// The node's id, sent as the <c>host.id</c> resource attribute of every span and metric and as the workload
    /// reports' node (<c>--node-id</c>; the agent defaults it to <c>/etc/machine-id</c>). Default: none.
    /// </summary>
    public string? NodeId { get; set; }

    public static Uri DefaultEndpoint() =>
        Environment.GetEnvironmentVariable("OTEL_EXPORTER_OTLP_ENDPOINT") is { Length: > 0 } endpoint && Uri.TryCreate(endpoint, UriKind.Absolute, out var uri)
            ? uri
            : new Uri("http://127.0.0.1:4317");
}
