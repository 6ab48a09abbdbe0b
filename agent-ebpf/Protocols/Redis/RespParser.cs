namespace OtlpGrains.Agent.Protocols.Redis;

/// <summary>
/// Redis RESP2/RESP3: commands are arrays of bulk strings (or inline text), replies any RESP value. Replies pair with
/// commands first in, first out (pipelining included); RESP3 push messages are out of band and pair with nothing.
/// </summary>
internal sealed class RespParser : StreamParser
{
    private const int MaxLine = 16 * 1024;
    private const int MaxNameLength = 64;
    private const long MaxBlobLength = 512L * 1024 * 1024;

    private readonly PendingQueue<RedisCommand> _pending = new(ParserLimits.MaxPendingRequests);
    private readonly RespReader _requestReader = new();
    private readonly RespReader _responseReader = new();

    public RespParser(Direction requestDirection, Action<ProtocolExchange> sink)
        : base(ProtocolKind.Redis, requestDirection, sink)
    {
    }

    /// <summary>A command array: "*N\r\n$L\r\nNAME" with a letters-only name.</summary>
    public static bool IsCommandStart(ReadOnlySpan<byte> data)
    {
        if (data.Length < 8 || data[0] != (byte)'*')
        {
            return false;
        }

        var lineEnd = data.IndexOf("\r\n"u8);
        if (lineEnd < 2 || lineEnd > 5 || !AsciiText.TryParseDecimal(data[1..lineEnd], out var count) || count is < 1 or > 100_000)
        {
            return false;
        }

        var bulk = data[(lineEnd + 2)..];
        if (bulk.Length < 4 || bulk[0] != (byte)'$')
        {
            return false;
        }

        var bulkEnd = bulk.IndexOf("\r\n"u8);
        if (bulkEnd < 2 || bulkEnd > 3 || !AsciiText.TryParseDecimal(bulk[1..bulkEnd], out var length) || length is < 1 or > 32)
        {
            return false;
        }

        var name = bulk[(bulkEnd + 2)..];
        name = name[..(int)Math.Min(length, name.Length)];
        if (name.IsEmpty)
        {
            return false;
        }

        foreach (var b in name)
        {
            if (!char.IsAsciiLetter((char)b) && b != (byte)'_' && b != (byte)'-' && b != (byte)'|')
            {
                return false;
            }
        }

        return true;
    }

    protected override int Parse(ParserSide side, long timestampNs, ReadOnlySpan<byte> data)
    {
        var reader = side.IsRequest ? _requestReader : _responseReader;
        var pos = 0;
        while (pos < data.Length)
        {
            if (reader.BlobRemaining > 0)
            {
                var take = (int)Math.Min(reader.BlobRemaining, data.Length - pos);
                pos += take;
                reader.BlobRemaining -= take;
                if (reader.BlobRemaining > 0)
                {
                    return pos;
                }

                if (reader.ValueDone())
                {
                    MessageDone(side, reader, timestampNs, truncated: false);
                }

                continue;
            }

            var rest = data[pos..];
            var lf = rest.IndexOf((byte)'\n');
            if (lf < 0)
            {
                if (rest.Length > MaxLine)
                {
                    Desync(side);
                }

                return pos;
            }

            var line = rest[..lf];
            if (!line.IsEmpty && line[^1] == (byte)'\r')
            {
                line = line[..^1];
            }

            if (!reader.InMessage)
            {
                if (line.IsEmpty)
                {
                    // Blank lines between inline commands carry nothing.
                    pos += lf + 1;
                    continue;
                }

                reader.InMessage = true;
                reader.StartNs = StartNs(side, pos, timestampNs);
                reader.TopType = line[0];
            }

            if (line.IsEmpty)
            {
                Desync(side);
                return pos;
            }

            var consumed = lf + 1;
            var type = line[0];
            var body = line[1..];
            var done = false;
            switch (type)
            {
                case (byte)'+' or (byte)':' or (byte)'_' or (byte)',' or (byte)'#' or (byte)'(':
                    reader.AwaitingName = false;
                    done = reader.ValueDone();
                    break;

                case (byte)'-':
                    if (reader.Depth == 0)
                    {
                        reader.IsError = true;
                        reader.ErrorCode = ErrorPrefix(body);
                    }

                    done = reader.ValueDone();
                    break;

                case (byte)'$' or (byte)'!' or (byte)'=':
                    if (!AsciiText.TryParseSigned(body, out var length) || length < -1 || length > MaxBlobLength)
                    {
                        Desync(side);
                        return pos;
                    }

                    if (type == (byte)'!' && reader.Depth == 0)
                    {
                        reader.IsError = true;
                    }

                    if (length == -1)
                    {
                        reader.AwaitingName = false;
                        done = reader.ValueDone();
                        break;
                    }

                    var wantsName = reader.AwaitingName && reader.Depth == 1 && side.IsRequest;
                    var wantsError = type == (byte)'!' && reader.Depth == 0 && reader.ErrorCode is null;
                    if (wantsName || wantsError)
                    {
                        // Wait for the value's first bytes (up to the name cap) so a split never changes what is read.
                        var value = rest[consumed..];
                        var need = (int)Math.Min(length, MaxNameLength);
                        if (value.Length < need)
                        {
                            return pos;
                        }

                        if (wantsName)
                        {
                            reader.Name = AsciiText.UpperToken(value[..need]);
                            reader.AwaitingName = false;
                        }
                        else
                        {
                            reader.ErrorCode = ErrorPrefix(value[..need]);
                        }
                    }

                    reader.BlobRemaining = length + 2;
                    break;

                case (byte)'*' or (byte)'~' or (byte)'>' or (byte)'%' or (byte)'|':
                    if (!AsciiText.TryParseSigned(body, out var count) || count < -1 || count > int.MaxValue)
                    {
                        Desync(side);
                        return pos;
                    }

                    if (type is (byte)'%' or (byte)'|')
                    {
                        count *= 2;
                    }

                    if (count <= 0)
                    {
                        reader.AwaitingName = false;
                        done = reader.ValueDone();
                        break;
                    }

                    if (!reader.TryPush(count, attribute: type == (byte)'|'))
                    {
                        Desync(side);
                        return pos;
                    }

                    reader.AwaitingName = side.IsRequest && reader.Depth == 1 && type == (byte)'*';
                    break;

                default:
                    if (reader.Depth > 0 || !side.IsRequest)
                    {
                        Desync(side);
                        return pos;
                    }

                    // An inline command ("PING\r\n"): its first word names it.
                    var space = line.IndexOf((byte)' ');
                    reader.Name = AsciiText.UpperToken(space < 0 ? line : line[..space]);
                    done = true;
                    break;
            }

            pos += consumed;
            if (done)
            {
                MessageDone(side, reader, timestampNs, truncated: false);
            }
        }

        return pos;
    }

    protected override bool AbsorbGap(ParserSide side, long timestampNs, ReadOnlySpan<byte> partial, long gap)
    {
        var reader = side.IsRequest ? _requestReader : _responseReader;
        if (partial.IsEmpty && reader.BlobRemaining >= gap)
        {
            reader.BlobRemaining -= gap;
            if (reader.BlobRemaining == 0 && reader.ValueDone())
            {
                MessageDone(side, reader, timestampNs, truncated: false);
            }

            return true;
        }

        if (reader.InMessage)
        {
            // The rest of this value was not captured: it ends with this syscall.
            MessageDone(side, reader, timestampNs, truncated: true);
        }

        return false;
    }

    protected override bool LooksLikeMessageStart(ParserSide side, ReadOnlySpan<byte> data) =>
        side.IsRequest ? IsCommandStart(data) : data[0] is (byte)'+' or (byte)'-' or (byte)':' or (byte)'$' or (byte)'*'
            or (byte)'_' or (byte)',' or (byte)'#' or (byte)'!' or (byte)'=' or (byte)'(' or (byte)'%' or (byte)'~';

    protected override void ResetSide(ParserSide side) => (side.IsRequest ? _requestReader : _responseReader).Reset();

    private static string? ErrorPrefix(ReadOnlySpan<byte> message)
    {
        var space = message.IndexOf((byte)' ');
        var word = space < 0 ? message : message[..space];
        return word.IsEmpty ? null : AsciiText.UpperToken(word);
    }

    private void MessageDone(ParserSide side, RespReader reader, long timestampNs, bool truncated)
    {
        if (side.IsRequest)
        {
            var command = new RedisCommand { Name = reader.Name, StartNs = reader.StartNs, EndNs = timestampNs };
            if (!_pending.Enqueue(command))
            {
                Unpaired++;
            }

            reader.Reset();
            return;
        }

        var isPush = reader.TopType == (byte)'>';
        var isError = reader.IsError;
        var errorCode = reader.ErrorCode;
        var startNs = reader.StartNs;
        reader.Reset();
        if (isPush)
        {
            return;
        }

        if (!_pending.TryDequeue(out var request))
        {
            Unpaired++;
            return;
        }

        Emit(new ProtocolExchange
        {
            Kind = ProtocolKind.Redis,
            Role = Role,
            RequestStartNs = request.StartNs,
            RequestEndNs = request.EndNs,
            ResponseStartNs = startNs,
            ResponseEndNs = timestampNs,
            Operation = request.Name,
            IsError = isError,
            ErrorCode = errorCode,
            Truncated = truncated,
        });
    }
}
