namespace OtlpGrains.Agent.Protocols.Http2;

/// <summary>One HTTP/2 stream's request and response, as far as they have been seen.</summary>
internal struct Http2Stream
{
    public int Id;
    public string? Method;
    public string? Path;
    public string? TraceParent;
    public bool IsGrpc;
    public long RequestStartNs;
    public long RequestEndNs;
    public bool RequestEnded;
    public long ResponseStartNs;
    public long ResponseEndNs;
    public bool ResponseStarted;
    public bool ResponseEnded;
    public int Status;
    public int GrpcStatus;
}
