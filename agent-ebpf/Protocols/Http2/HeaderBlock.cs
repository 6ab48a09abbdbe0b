namespace OtlpGrains.Agent.Protocols.Http2;

/// <summary>A header block being collected from a HEADERS or PUSH_PROMISE frame and its CONTINUATION frames.</summary>
internal sealed class HeaderBlock
{
    private byte[] _bytes = [];

    public bool Open { get; private set; }

    public int StreamId { get; private set; }

    public bool EndStream { get; private set; }

    public bool IsPushPromise { get; private set; }

    public long StartNs { get; private set; }

    public int Length { get; private set; }

    public ReadOnlySpan<byte> Bytes => _bytes.AsSpan(0, Length);

    public void Start(int streamId, bool endStream, bool isPushPromise, long startNs)
    {
        Open = true;
        StreamId = streamId;
        EndStream = endStream;
        IsPushPromise = isPushPromise;
        StartNs = startNs;
        Length = 0;
    }

    /// <summary>Appends a fragment; false when the block would pass the buffer cap.</summary>
    public bool TryAppend(ReadOnlySpan<byte> fragment)
    {
        if (Length + fragment.Length > ParserLimits.MaxBufferedBytesPerDirection)
        {
            return false;
        }

        if (Length + fragment.Length > _bytes.Length)
        {
            var grown = new byte[Math.Min(ParserLimits.MaxBufferedBytesPerDirection, Math.Max(256, (Length + fragment.Length) * 2))];
            _bytes.AsSpan(0, Length).CopyTo(grown);
            _bytes = grown;
        }

        fragment.CopyTo(_bytes.AsSpan(Length));
        Length += fragment.Length;
        return true;
    }

    public void Close() => Open = false;
}
