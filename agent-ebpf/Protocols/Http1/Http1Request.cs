namespace OtlpGrains.Agent.Protocols.Http1;

/// <summary>A request waiting for its response.</summary>
internal struct Http1Request
{
    public long Sequence;
    public string Method;
    public string Path;
    public string? TraceParent;
    public long StartNs;
    public long EndNs;
    public bool IsHead;
    public bool Truncated;
}
