namespace OtlpGrains.Agent.Protocols;

/// <summary>
/// Turns one connection's captured chunks into request/response pairs. Completed exchanges go to the callback given
/// at construction, on the caller's thread, from inside OnData. Not thread-safe: one connection is fed
/// by one thread at a time. Never throws on hostile input.
/// </summary>
public interface IProtocolParser
{
    ProtocolKind Kind { get; }

    /// <summary>Client when the observed process sends the requests, else server.</summary>
    ConnectionRole Role { get; }

    /// <summary>
    /// One syscall's captured bytes. <paramref name="originalLength"/> is how long the syscall's data really was; when it is
    /// larger than <paramref name="data"/>, the bytes after the captured prefix are unknown and get skipped.
    /// </summary>
    void OnData(Direction direction, long timestampNs, ReadOnlySpan<byte> data, int originalLength);

    /// <summary>
    /// As the four-argument OnData, with the syscall's last bytes as well
    /// (<paramref name="tail"/>, the final <c>tail.Length</c> of <paramref name="originalLength"/>, after
    /// <paramref name="data"/>): when the protocol's framing skips the unknown middle, parsing continues in the tail.
    /// </summary>
    void OnData(Direction direction, long timestampNs, ReadOnlySpan<byte> data, int originalLength, ReadOnlySpan<byte> tail);

    /// <summary>True once the parser stopped following the connection (framing or HPACK state lost for good).</summary>
    bool GaveUp { get; }

    /// <summary>How often framing was lost and the parser waited for the next plausible message start.</summary>
    int Resyncs { get; }

    /// <summary>Bytes held for incomplete messages, over both directions; never above twice <see cref="ParserLimits.MaxBufferedBytesPerDirection"/>.</summary>
    int BufferedBytes { get; }

    /// <summary>Requests forgotten because too many were outstanding, and responses that had no request to pair with.</summary>
    int Unpaired { get; }
}
