namespace OtlpGrains.Agent.Protocols.MySql;

/// <summary>A command waiting for its response.</summary>
internal struct MySqlCommand
{
    public byte Code;
    public string? Statement;
    public string? Operation;
    public long StartNs;
    public long EndNs;
    public bool Emit;
    public bool Truncated;
}
