namespace OtlpGrains.Agent.Protocols;

/// <summary>
/// What all parsers share: routing chunks to the request or response side, buffering incomplete message heads under
/// a cap, turning capture truncation into "skip these bytes" (or a resynchronisation when the protocol cannot
/// account for them), and waiting for a plausible message start after framing was lost.
/// </summary>
internal abstract class StreamParser : IProtocolParser
{
    private readonly Action<ProtocolExchange> _sink;
    private readonly Direction _requestDirection;

    protected StreamParser(ProtocolKind kind, Direction requestDirection, Action<ProtocolExchange> sink)
    {
        Kind = kind;
        _requestDirection = requestDirection;
        _sink = sink;
        Requests = new ParserSide(isRequest: true);
        Responses = new ParserSide(isRequest: false);
    }

    public ProtocolKind Kind { get; }

    public ConnectionRole Role => _requestDirection == Direction.Egress ? ConnectionRole.Client : ConnectionRole.Server;

    public bool GaveUp { get; private set; }

    public int Resyncs { get; private set; }

    public int BufferedBytes => Requests.Length + Responses.Length;

    public int Unpaired { get; protected set; }

    protected ParserSide Requests { get; }

    protected ParserSide Responses { get; }

    public void OnData(Direction direction, long timestampNs, ReadOnlySpan<byte> data, int originalLength) =>
        OnData(direction, timestampNs, data, originalLength, []);

    public void OnData(Direction direction, long timestampNs, ReadOnlySpan<byte> data, int originalLength, ReadOnlySpan<byte> tail)
    {
        if (GaveUp)
        {
            return;
        }

        if ((long)data.Length + tail.Length > originalLength)
        {
            // Head and tail would overlap: not what the capture sends, so the tail is not trusted.
            tail = [];
        }

        var side = direction == _requestDirection ? Requests : Responses;
        var gap = Math.Max(0L, (long)originalLength - data.Length - tail.Length);
        if (side.Resync)
        {
            if (data.IsEmpty || !LooksLikeMessageStart(side, data))
            {
                return;
            }

            side.Resync = false;
        }

        Feed(side, timestampNs, data);
        if (GaveUp || side.Resync)
        {
            return;
        }

        if (gap > 0)
        {
            var inSync = AbsorbGap(side, timestampNs, side.Buffered, gap);
            side.Clear();
            if (!inSync)
            {
                if (!GaveUp && !side.Resync)
                {
                    Desync(side);
                }

                return;
            }
        }

        if (!tail.IsEmpty)
        {
            Feed(side, timestampNs, tail);
        }
    }

    /// <summary>
    /// Consumes complete protocol units from <paramref name="data"/> (message heads, and body bytes the protocol skips
    /// itself) and returns how many bytes were used; the rest is an incomplete head that comes back with more bytes.
    /// State may only change for consumed bytes.
    /// </summary>
    protected abstract int Parse(ParserSide side, long timestampNs, ReadOnlySpan<byte> data);

    /// <summary>
    /// The chunk just parsed was cut by the capture: <paramref name="gap"/> unknown bytes follow, and
    /// <paramref name="partial"/> is the incomplete head buffered before them. Returns true when the protocol's framing
    /// accounts for the gap (it lies inside a body of known length); otherwise the protocol salvages what it can
    /// (the message ends here) and the side resynchronises.
    /// </summary>
    protected abstract bool AbsorbGap(ParserSide side, long timestampNs, ReadOnlySpan<byte> partial, long gap);

    /// <summary>A cheap check that a chunk could start a message on this side, used after framing was lost.</summary>
    protected abstract bool LooksLikeMessageStart(ParserSide side, ReadOnlySpan<byte> data);

    /// <summary>Forget the side's half-parsed message after framing was lost.</summary>
    protected abstract void ResetSide(ParserSide side);

    protected void Emit(ProtocolExchange exchange) => _sink(exchange);

    /// <summary>Start time of a message that begins at <paramref name="offset"/> of the span being parsed.</summary>
    protected static long StartNs(ParserSide side, int offset, long timestampNs) => offset == 0 ? side.SpanStartNs : timestampNs;

    /// <summary>Framing is lost on this side: drop what is buffered and wait for a message start.</summary>
    protected void Desync(ParserSide side)
    {
        side.Clear();
        side.Resync = true;
        ResetSide(side);
        if (++Resyncs > ParserLimits.MaxResyncs)
        {
            GiveUp();
        }
    }

    protected void GiveUp()
    {
        GaveUp = true;
        Requests.Clear();
        Responses.Clear();
    }

    private void Feed(ParserSide side, long timestampNs, ReadOnlySpan<byte> data)
    {
        if (side.Length == 0)
        {
            // Fast path: parse straight from the captured bytes and keep only an incomplete tail.
            side.SpanStartNs = timestampNs;
            var used = Parse(side, timestampNs, data);
            if (GaveUp || side.Resync)
            {
                return;
            }

            data = data[Math.Clamp(used, 0, data.Length)..];
            if (data.IsEmpty)
            {
                return;
            }

            if (side.Append(data, timestampNs) < data.Length)
            {
                Desync(side);
            }

            return;
        }

        while (!data.IsEmpty)
        {
            var appended = side.Append(data, timestampNs);
            data = data[appended..];
            side.SpanStartNs = side.BufferStartNs;
            var used = Parse(side, timestampNs, side.Buffered);
            if (GaveUp || side.Resync)
            {
                return;
            }

            var full = side.Length == ParserLimits.MaxBufferedBytesPerDirection;
            side.Consume(used);
            if (used <= 0 && full)
            {
                // A head larger than the cap: the protocol cannot make progress, so framing is lost.
                Desync(side);
                return;
            }

            if (used > 0 && side.Length > 0 && side.Length <= appended)
            {
                // What is left began in this chunk, not in the one that started the buffer.
                side.Restamp(timestampNs);
            }
        }
    }
}
