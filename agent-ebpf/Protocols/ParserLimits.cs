namespace OtlpGrains.Agent.Protocols;

/// <summary>The documented memory caps every parser keeps to, whatever the peer sends.</summary>
public static class ParserLimits
{
    /// <summary>Bytes buffered per direction for a message whose head is not complete yet.</summary>
    public const int MaxBufferedBytesPerDirection = 32 * 1024;

    /// <summary>Requests waiting for their responses (pipelining, HTTP/2 streams, Kafka correlation ids).</summary>
    public const int MaxPendingRequests = 256;

    /// <summary>Longest statement or path text kept per exchange; the rest is cut.</summary>
    public const int MaxTextLength = 4096;

    /// <summary>HPACK dynamic table size a decoder accepts, whatever the peer announces.</summary>
    public const int MaxHpackTableSize = 64 * 1024;

    /// <summary>Resynchronisations after which a parser gives up on the connection.</summary>
    public const int MaxResyncs = 1024;
}
