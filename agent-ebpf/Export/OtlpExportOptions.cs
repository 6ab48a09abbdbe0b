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

    /// <summary>Most spans in one export request. Default: 512.</summary>
    public int MaxBatchSize { get; set; } = 512;

    /// <summary>Longest time a span waits for its batch to fill. Default: 1 s.</summary>
    public TimeSpan FlushInterval { get; set; } = TimeSpan.FromSeconds(1);

    public static Uri DefaultEndpoint() =>
        Environment.GetEnvironmentVariable("OTEL_EXPORTER_OTLP_ENDPOINT") is { Length: > 0 } endpoint && Uri.TryCreate(endpoint, UriKind.Absolute, out var uri)
            ? uri
            : new Uri("http://127.0.0.1:4317");
}
