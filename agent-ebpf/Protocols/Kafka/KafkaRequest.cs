namespace OtlpGrains.Agent.Protocols.Kafka;

/// <summary>A produce or fetch request waiting for the response with its correlation id.</summary>
internal struct KafkaRequest
{
    public int CorrelationId;
    public short ApiKey;
    public short ApiVersion;
    public string? ClientId;
    public string? Topic;
    public long StartNs;
    public long EndNs;
    public bool Truncated;
}
