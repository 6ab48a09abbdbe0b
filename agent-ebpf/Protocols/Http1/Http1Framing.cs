namespace OtlpGrains.Agent.Protocols.Http1;

/// <summary>One direction's position in its current message.</summary>
internal sealed class Http1Framing
{
    public Http1Phase Phase { get; set; }

    /// <summary>Body or chunk bytes (with the chunk's CRLF) still to skip.</summary>
    public long Remaining { get; set; }
}
