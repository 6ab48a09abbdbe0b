namespace OtlpGrains.Agent.Protocols;

/// <summary>
/// One direction of a connection: the bytes held for a message whose head has not fully arrived, capped at
/// <see cref="ParserLimits.MaxBufferedBytesPerDirection"/>, and whether the parser waits for a message start.
/// </summary>
internal sealed class ParserSide(bool isRequest)
{
    private byte[] _buffer = [];

    public bool IsRequest { get; } = isRequest;

    public int Length { get; private set; }

    /// <summary>Framing was lost: chunks are ignored until one starts like a message.</summary>
    public bool Resync { get; set; }

    /// <summary>Timestamp of the chunk that carried the first buffered byte.</summary>
    public long BufferStartNs { get; private set; }

    /// <summary>Timestamp for a message that starts at offset 0 of the span being parsed.</summary>
    public long SpanStartNs { get; set; }

    public ReadOnlySpan<byte> Buffered => _buffer.AsSpan(0, Length);

    /// <summary>Appends as much as fits under the cap and returns how much that was.</summary>
    public int Append(ReadOnlySpan<byte> data, long timestampNs)
    {
        if (Length == 0)
        {
            BufferStartNs = timestampNs;
        }

        var room = ParserLimits.MaxBufferedBytesPerDirection - Length;
        var take = Math.Min(room, data.Length);
        if (take <= 0)
        {
            return 0;
        }

        if (Length + take > _buffer.Length)
        {
            // Grow by doubling up to the cap: most connections never buffer more than a header or two.
            var size = Math.Max(256, _buffer.Length);
            while (size < Length + take)
            {
                size *= 2;
            }

            var grown = new byte[Math.Min(size, ParserLimits.MaxBufferedBytesPerDirection)];
            _buffer.AsSpan(0, Length).CopyTo(grown);
            _buffer = grown;
        }

        data[..take].CopyTo(_buffer.AsSpan(Length));
        Length += take;
        return take;
    }

    public void Consume(int count)
    {
        if (count <= 0)
        {
            return;
        }

        if (count >= Length)
        {
            Length = 0;
            return;
        }

        _buffer.AsSpan(count, Length - count).CopyTo(_buffer);
        Length -= count;
    }

    public void Restamp(long timestampNs) => BufferStartNs = timestampNs;

    public void Clear() => Length = 0;
}
