namespace OtlpGrains.Agent.Protocols;

/// <summary>
/// Base for length-prefixed protocols (PostgreSQL, MySQL, Kafka): each message is handed over once with the first
/// bytes of its body the protocol asked for; the rest of the body is skipped, including bytes the capture cut off,
/// so truncation never costs the framing.
/// </summary>
internal abstract class FramedParser : StreamParser
{
    private long _requestSkip;
    private long _responseSkip;

    protected FramedParser(ProtocolKind kind, Direction requestDirection, Action<ProtocolExchange> sink)
        : base(kind, requestDirection, sink)
    {
    }

    /// <summary>Reads a message header at the start of <paramref name="rest"/>.</summary>
    protected abstract FrameStatus TryFrame(ParserSide side, ReadOnlySpan<byte> rest, out Frame frame);

    /// <summary>
    /// One message: its header and the first body bytes (all the prefix asked for, or fewer when
    /// <paramref name="truncated"/> because the capture cut the message).
    /// </summary>
    protected abstract void OnMessage(ParserSide side, ReadOnlySpan<byte> header, ReadOnlySpan<byte> prefix, in Frame frame,
        long startNs, long timestampNs, bool truncated);

    /// <summary>Protocol state to forget when the side lost its framing.</summary>
    protected abstract void ResetState(ParserSide side);

    protected sealed override int Parse(ParserSide side, long timestampNs, ReadOnlySpan<byte> data)
    {
        var pos = 0;
        while (pos < data.Length && !GaveUp && !side.Resync)
        {
            ref var skip = ref side.IsRequest ? ref _requestSkip : ref _responseSkip;
            if (skip > 0)
            {
                var take = (int)Math.Min(skip, data.Length - pos);
                pos += take;
                skip -= take;
                continue;
            }

            var rest = data[pos..];
            var status = TryFrame(side, rest, out var frame);
            if (status == FrameStatus.NeedMore)
            {
                return pos;
            }

            if (status == FrameStatus.Invalid)
            {
                Desync(side);
                return pos;
            }

            var available = rest.Length - frame.HeaderLength;
            if (available < frame.PrefixLength)
            {
                return pos;
            }

            var bodyAvailable = (int)Math.Min(available, frame.BodyLength);
            OnMessage(side, rest[..frame.HeaderLength], rest.Slice(frame.HeaderLength, frame.PrefixLength), frame,
                StartNs(side, pos, timestampNs), timestampNs, truncated: false);
            pos += frame.HeaderLength + bodyAvailable;
            skip = frame.BodyLength - bodyAvailable;
        }

        return pos;
    }

    protected sealed override bool AbsorbGap(ParserSide side, long timestampNs, ReadOnlySpan<byte> partial, long gap)
    {
        ref var skip = ref side.IsRequest ? ref _requestSkip : ref _responseSkip;
        if (partial.IsEmpty)
        {
            if (skip < gap)
            {
                OnFramingLost(side, timestampNs);
                return false;
            }

            skip -= gap;
            return true;
        }

        if (TryFrame(side, partial, out var frame) != FrameStatus.Complete || GaveUp)
        {
            OnFramingLost(side, timestampNs);
            return false;
        }

        // The head is here but the body bytes the protocol wanted were cut: it gets what there is.
        var bodyAvailable = (int)Math.Min(partial.Length - frame.HeaderLength, frame.BodyLength);
        OnMessage(side, partial[..frame.HeaderLength], partial.Slice(frame.HeaderLength, bodyAvailable), frame, side.SpanStartNs,
            timestampNs, truncated: true);
        var remaining = frame.BodyLength - bodyAvailable;
        if (remaining < gap || GaveUp || side.Resync)
        {
            OnFramingLost(side, timestampNs);
            return false;
        }

        skip = remaining - gap;
        return true;
    }

    /// <summary>
    /// The capture cut this side where its framing cannot follow. Servers usually end a write with the reply's last
    /// message, so a reply in progress can be taken as ending with this syscall.
    /// </summary>
    protected virtual void OnFramingLost(ParserSide side, long timestampNs)
    {
    }

    protected sealed override void ResetSide(ParserSide side)
    {
        if (side.IsRequest)
        {
            _requestSkip = 0;
        }
        else
        {
            _responseSkip = 0;
        }

        ResetState(side);
    }
}
