namespace OtlpGrains.Agent.Protocols.Redis;

/// <summary>A command waiting for its reply.</summary>
internal struct RedisCommand
{
    public string? Name;
    public long StartNs;
    public long EndNs;
}
