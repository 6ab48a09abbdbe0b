namespace OtlpGrains.Agent.Protocols.Http1;

/// <summary>
/// HTTP/1.0 and 1.1: request and status lines, headers, Content-Length and chunked bodies (skipped, never buffered),
/// keep-alive and pipelining (responses pair with requests first in, first out), 1xx interim responses, and
/// HEAD/204/304 responses without bodies.
/// </summary>
internal sealed class Http1Parser : StreamParser
{
    private const int MaxHeadBytes = 16 * 1024;
    private const int MaxChunkLine = 1024;
    private const int MaxTraceParent = 256;

    private readonly PendingQueue<Http1Request> _pending = new(ParserLimits.MaxPendingRequests);
    private readonly Http1Framing _requestFraming = new();
    private readonly Http1Framing _responseFraming = new();
    private long _sequence;
    private long _openRequest = -1;
    private Http1Request _answering;
    private bool _hasAnswering;
    private int _status;
    private long _responseStartNs;

    public Http1Parser(Direction requestDirection, Action<ProtocolExchange> sink)
        : base(ProtocolKind.Http1, requestDirection, sink)
    {
    }

    /// <summary>True when the bytes start like a request line ("GET /") or a status line ("HTTP/1.1 200").</summary>
    public static bool IsRequestStart(ReadOnlySpan<byte> data)
    {
        var space = data.IndexOf((byte)' ');
        return space > 2 && space <= 8 && IsKnownMethod(data[..space]) && data.Length > space + 1 && data[space + 1] != (byte)' ';
    }

    public static bool IsResponseStart(ReadOnlySpan<byte> data) =>
        data.Length >= 12 && data.StartsWith("HTTP/1."u8) && data[8] == (byte)' '
        && IsDigit(data[9]) && IsDigit(data[10]) && IsDigit(data[11]);

    protected override int Parse(ParserSide side, long timestampNs, ReadOnlySpan<byte> data)
    {
        var framing = side.IsRequest ? _requestFraming : _responseFraming;
        var pos = 0;
        while (pos < data.Length && !GaveUp)
        {
            var rest = data[pos..];
            switch (framing.Phase)
            {
                case Http1Phase.Head:
                    if (rest.StartsWith("\r\n"u8))
                    {
                        // Stray CRLF between messages is allowed.
                        pos += 2;
                        continue;
                    }

                    var end = rest.IndexOf("\r\n\r\n"u8);
                    if (end < 0)
                    {
                        if (rest.Length > MaxHeadBytes || !StartLineCanBeValid(side, rest))
                        {
                            Desync(side);
                        }

                        return pos;
                    }

                    var head = rest[..(end + 4)];
                    var ok = side.IsRequest
                        ? OnRequestHead(head, StartNs(side, pos, timestampNs), timestampNs, complete: true)
                        : OnResponseHead(head, StartNs(side, pos, timestampNs), timestampNs, complete: true);
                    if (!ok)
                    {
                        Desync(side);
                        return pos;
                    }

                    pos += end + 4;
                    break;

                case Http1Phase.Body:
                case Http1Phase.ChunkData:
                    var take = (int)Math.Min(framing.Remaining, rest.Length);
                    pos += take;
                    framing.Remaining -= take;
                    if (framing.Remaining == 0)
                    {
                        if (framing.Phase == Http1Phase.Body)
                        {
                            MessageDone(side, timestampNs, truncated: false);
                        }
                        else
                        {
                            framing.Phase = Http1Phase.ChunkSize;
                        }
                    }

                    break;

                case Http1Phase.ChunkSize:
                    var lineEnd = rest.IndexOf("\r\n"u8);
                    if (lineEnd < 0)
                    {
                        if (rest.Length > MaxChunkLine)
                        {
                            Desync(side);
                        }

                        return pos;
                    }

                    var sizeText = rest[..lineEnd];
                    var semicolon = sizeText.IndexOf((byte)';');
                    if (semicolon >= 0)
                    {
                        sizeText = sizeText[..semicolon];
                    }

                    if (!AsciiText.TryParseHex(AsciiText.Trim(sizeText), out var size))
                    {
                        Desync(side);
                        return pos;
                    }

                    pos += lineEnd + 2;
                    if (size == 0)
                    {
                        framing.Phase = Http1Phase.Trailers;
                    }
                    else
                    {
                        // The chunk's data and the CRLF after it are skipped together.
                        framing.Phase = Http1Phase.ChunkData;
                        framing.Remaining = size + 2;
                    }

                    break;

                case Http1Phase.Trailers:
                    if (rest.StartsWith("\r\n"u8))
                    {
                        pos += 2;
                        MessageDone(side, timestampNs, truncated: false);
                        break;
                    }

                    var trailersEnd = rest.IndexOf("\r\n\r\n"u8);
                    if (trailersEnd < 0)
                    {
                        if (rest.Length > MaxHeadBytes)
                        {
                            Desync(side);
                        }

                        return pos;
                    }

                    pos += trailersEnd + 4;
                    MessageDone(side, timestampNs, truncated: false);
                    break;

                default:
                    // Body delimited by the connection's close: nothing more to learn.
                    return data.Length;
            }
        }

        return pos;
    }

    protected override bool AbsorbGap(ParserSide side, long timestampNs, ReadOnlySpan<byte> partial, long gap)
    {
        var framing = side.IsRequest ? _requestFraming : _responseFraming;
        switch (framing.Phase)
        {
            case Http1Phase.UntilClose:
                return true;
            case Http1Phase.Body or Http1Phase.ChunkData when partial.IsEmpty && framing.Remaining >= gap:
                framing.Remaining -= gap;
                if (framing.Remaining == 0)
                {
                    if (framing.Phase == Http1Phase.Body)
                    {
                        MessageDone(side, timestampNs, truncated: false);
                    }
                    else
                    {
                        framing.Phase = Http1Phase.ChunkSize;
                    }
                }

                return true;
            case Http1Phase.Head:
                if (!partial.IsEmpty)
                {
                    // A head longer than the capture: keep what its complete lines say; the message ends with this syscall.
                    _ = side.IsRequest
                        ? OnRequestHead(partial, side.SpanStartNs, timestampNs, complete: false)
                        : OnResponseHead(partial, side.SpanStartNs, timestampNs, complete: false);
                }

                return false;
            default:
                MessageDone(side, timestampNs, truncated: true);
                return false;
        }
    }

    protected override bool LooksLikeMessageStart(ParserSide side, ReadOnlySpan<byte> data) =>
        side.IsRequest ? IsRequestStart(data) : IsResponseStart(data);

    protected override void ResetSide(ParserSide side)
    {
        var framing = side.IsRequest ? _requestFraming : _responseFraming;
        framing.Phase = Http1Phase.Head;
        framing.Remaining = 0;
        if (side.IsRequest)
        {
            _openRequest = -1;
        }
        else if (_hasAnswering)
        {
            _hasAnswering = false;
            Unpaired++;
        }
    }

    private static bool IsDigit(byte b) => b is >= (byte)'0' and <= (byte)'9';

    private static bool IsKnownMethod(ReadOnlySpan<byte> method) =>
        method.SequenceEqual("GET"u8) || method.SequenceEqual("POST"u8) || method.SequenceEqual("PUT"u8)
        || method.SequenceEqual("DELETE"u8) || method.SequenceEqual("HEAD"u8) || method.SequenceEqual("OPTIONS"u8)
        || method.SequenceEqual("PATCH"u8) || method.SequenceEqual("CONNECT"u8) || method.SequenceEqual("TRACE"u8);

    private static bool IsToken(ReadOnlySpan<byte> method)
    {
        if (method.IsEmpty || method.Length > 20)
        {
            return false;
        }

        foreach (var b in method)
        {
            if (b is < (byte)'A' or > (byte)'Z' and not (byte)'-' and not (byte)'_')
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>Rejects garbage early instead of buffering up to the cap before noticing.</summary>
    private static bool StartLineCanBeValid(ParserSide side, ReadOnlySpan<byte> rest)
    {
        var prefix = rest[..Math.Min(rest.Length, 9)];
        if (side.IsRequest)
        {
            var space = prefix.IndexOf((byte)' ');
            return IsToken(space < 0 ? prefix : prefix[..space]) || (space < 0 && prefix.Length < 9 && IsToken(prefix));
        }

        return "HTTP/1."u8.StartsWith(prefix[..Math.Min(prefix.Length, 7)]);
    }

    private static ReadOnlySpan<byte> NextLine(scoped ref ReadOnlySpan<byte> head, out bool found)
    {
        var lineEnd = head.IndexOf("\r\n"u8);
        if (lineEnd < 0)
        {
            found = false;
            var all = head;
            head = default;
            return all;
        }

        found = true;
        var line = head[..lineEnd];
        head = head[(lineEnd + 2)..];
        return line;
    }

    private bool OnRequestHead(ReadOnlySpan<byte> head, long startNs, long timestampNs, bool complete)
    {
        var requestLine = NextLine(ref head, out var found);
        if (!found)
        {
            return false;
        }

        var firstSpace = requestLine.IndexOf((byte)' ');
        var lastSpace = requestLine.LastIndexOf((byte)' ');
        if (firstSpace <= 0 || lastSpace <= firstSpace + 1 || !IsToken(requestLine[..firstSpace])
            || !requestLine[(lastSpace + 1)..].StartsWith("HTTP/1."u8))
        {
            return false;
        }

        var method = requestLine[..firstSpace];
        var target = requestLine[(firstSpace + 1)..lastSpace];
        if (target.IndexOf((byte)' ') >= 0)
        {
            return false;
        }

        var headers = ReadHeaders(head, out var contentLength, out var chunked, out var traceParent);
        if (!headers && complete)
        {
            return false;
        }

        var request = new Http1Request
        {
            Sequence = ++_sequence,
            Method = AsciiText.UpperToken(method),
            Path = AsciiText.Text(PathOf(target)),
            TraceParent = traceParent.IsEmpty ? null : AsciiText.Text(traceParent[..Math.Min(traceParent.Length, MaxTraceParent)]),
            StartNs = startNs,
            EndNs = timestampNs,
            IsHead = method.SequenceEqual("HEAD"u8),
            Truncated = !complete,
        };
        if (!_pending.Enqueue(request))
        {
            Unpaired++;
        }

        if (!complete)
        {
            return true;
        }

        if (chunked)
        {
            _openRequest = request.Sequence;
            _requestFraming.Phase = Http1Phase.ChunkSize;
        }
        else if (contentLength > 0)
        {
            _openRequest = request.Sequence;
            _requestFraming.Phase = Http1Phase.Body;
            _requestFraming.Remaining = contentLength;
        }

        return true;
    }

    private bool OnResponseHead(ReadOnlySpan<byte> head, long startNs, long timestampNs, bool complete)
    {
        var statusLine = NextLine(ref head, out var found);
        if (!found || !IsResponseStart(statusLine) || (statusLine.Length > 12 && statusLine[12] != (byte)' '))
        {
            return false;
        }

        var status = ((statusLine[9] - '0') * 100) + ((statusLine[10] - '0') * 10) + (statusLine[11] - '0');
        var headers = ReadHeaders(head, out var contentLength, out var chunked, out _);
        if (!headers && complete)
        {
            return false;
        }

        if (status is >= 100 and < 200 and not 101)
        {
            // Interim (100 Continue, 103 Early Hints): the final response is still to come.
            return true;
        }

        _hasAnswering = _pending.TryDequeue(out _answering);
        if (!_hasAnswering)
        {
            Unpaired++;
        }

        _status = status;
        _responseStartNs = startNs;
        if (!complete)
        {
            MessageDone(Responses, timestampNs, truncated: true);
            return true;
        }

        if (status == 101)
        {
            // Switched to another protocol (WebSocket, h2c): this parser cannot follow the rest.
            MessageDone(Responses, timestampNs, truncated: false);
            GiveUp();
            return true;
        }

        if ((_hasAnswering && _answering.IsHead) || status is 204 or 304)
        {
            MessageDone(Responses, timestampNs, truncated: false);
        }
        else if (chunked)
        {
            _responseFraming.Phase = Http1Phase.ChunkSize;
        }
        else if (contentLength >= 0)
        {
            _responseFraming.Phase = Http1Phase.Body;
            _responseFraming.Remaining = contentLength;
            if (contentLength == 0)
            {
                MessageDone(Responses, timestampNs, truncated: false);
            }
        }
        else
        {
            // No length: the body runs to the connection's close, so the exchange is known now.
            MessageDone(Responses, timestampNs, truncated: false);
            _responseFraming.Phase = Http1Phase.UntilClose;
        }

        return true;
    }

    /// <summary>Reads header lines; false when one is malformed. Content-Length is -1 when absent.</summary>
    private static bool ReadHeaders(ReadOnlySpan<byte> head, out long contentLength, out bool chunked, out ReadOnlySpan<byte> traceParent)
    {
        contentLength = -1;
        chunked = false;
        traceParent = default;
        while (!head.IsEmpty)
        {
            var line = NextLine(ref head, out var found);
            if (!found || line.IsEmpty)
            {
                // An incomplete last line (salvage) or the blank line that ends the head.
                break;
            }

            var colon = line.IndexOf((byte)':');
            if (colon <= 0)
            {
                return false;
            }

            var name = line[..colon];
            var value = AsciiText.Trim(line[(colon + 1)..]);
            if (AsciiText.EqualsIgnoreCase(name, "content-length"u8))
            {
                if (!AsciiText.TryParseDecimal(value, out var length))
                {
                    return false;
                }

                contentLength = length;
            }
            else if (AsciiText.EqualsIgnoreCase(name, "transfer-encoding"u8))
            {
                chunked = AsciiText.ContainsIgnoreCase(value, "chunked"u8);
            }
            else if (AsciiText.EqualsIgnoreCase(name, "traceparent"u8))
            {
                traceParent = value;
            }
        }

        return true;
    }

    /// <summary>url.path: the target without query or fragment; absolute-form targets lose scheme and authority.</summary>
    private static ReadOnlySpan<byte> PathOf(ReadOnlySpan<byte> target)
    {
        var scheme = target.IndexOf("://"u8);
        if (scheme > 0 && target[0] != (byte)'/')
        {
            var afterAuthority = target[(scheme + 3)..];
            var slash = afterAuthority.IndexOf((byte)'/');
            target = slash < 0 ? "/"u8 : afterAuthority[slash..];
        }

        var cut = target.IndexOfAny((byte)'?', (byte)'#');
        return cut >= 0 ? target[..cut] : target;
    }

    private void MessageDone(ParserSide side, long timestampNs, bool truncated)
    {
        if (side.IsRequest)
        {
            _requestFraming.Phase = Http1Phase.Head;
            _requestFraming.Remaining = 0;
            if (_openRequest >= 0)
            {
                if (_pending.Count > 0 && _pending.Last().Sequence == _openRequest)
                {
                    _pending.Last().EndNs = timestampNs;
                    _pending.Last().Truncated |= truncated;
                }
                else if (_hasAnswering && _answering.Sequence == _openRequest)
                {
                    _answering.EndNs = timestampNs;
                    _answering.Truncated |= truncated;
                }

                _openRequest = -1;
            }

            return;
        }

        _responseFraming.Phase = Http1Phase.Head;
        _responseFraming.Remaining = 0;
        if (!_hasAnswering)
        {
            return;
        }

        _hasAnswering = false;
        Emit(new ProtocolExchange
        {
            Kind = ProtocolKind.Http1,
            Role = Role,
            RequestStartNs = _answering.StartNs,
            RequestEndNs = _answering.EndNs,
            ResponseStartNs = _responseStartNs,
            ResponseEndNs = timestampNs,
            Method = _answering.Method,
            Path = _answering.Path,
            StatusCode = _status,
            TraceParent = _answering.TraceParent,
            IsError = _status >= 500 || (Role == ConnectionRole.Client && _status >= 400),
            Truncated = truncated || _answering.Truncated,
        });
    }
}
