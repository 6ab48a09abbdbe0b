namespace OtlpGrains.Agent.Protocols.Postgres;

/// <summary>Frontend work that the backend closes with one ReadyForQuery: a simple query, an extended-query batch up to Sync, or the start-up.</summary>
internal struct PostgresUnit
{
    public string? Statement;
    public string? Operation;
    public long StartNs;
    public long EndNs;
    public bool Emit;
    public bool Truncated;
}
