using System.Buffers.Binary;

namespace OtlpGrains.Agent.Protocols.Http2;

/// <summary>
/// HTTP/2 with prior knowledge (h2c) and gRPC: the client preface, then frames. Header blocks (HEADERS, PUSH_PROMISE,
/// CONTINUATION) are decoded with one HPACK decoder per direction, so the connection must be seen from its start and
/// every header block must be captured whole; when that fails the parser gives up rather than guess header names.
/// Requests and responses pair by stream id; gRPC status comes from the trailers (or a trailers-only response).
/// </summary>
internal sealed class Http2Parser : FramedParser, IHeaderSink
{
    private const int FrameHeaderLength = 9;
    private const byte Data = 0x0;
    private const byte Headers = 0x1;
    private const byte Priority = 0x2;
    private const byte RstStream = 0x3;
    private const byte Settings = 0x4;
    private const byte PushPromise = 0x5;
    private const byte GoAway = 0x7;
    private const byte Continuation = 0x9;
    private const byte FlagEndStream = 0x1;
    private const byte FlagAck = 0x1;
    private const byte FlagEndHeaders = 0x4;
    private const byte FlagPadded = 0x8;
    private const byte FlagPriority = 0x20;
    private const int MaxControlPayload = 16 * 1024;
    private const int MaxTraceParent = 256;

    private readonly HpackDecoder _requestDecoder = new();
    private readonly HpackDecoder _responseDecoder = new();
    private readonly HeaderBlock _requestBlock = new();
    private readonly HeaderBlock _responseBlock = new();
    private readonly Http2Stream[] _streams = new Http2Stream[ParserLimits.MaxPendingRequests];
    private int _streamCount;
    private bool _prefaceSeen;
    private HeaderTarget _target;
    private int _targetIndex;

    public Http2Parser(Direction requestDirection, Action<ProtocolExchange> sink)
        : base(ProtocolKind.Http2, requestDirection, sink)
    {
    }

    void IHeaderSink.OnHeader(ReadOnlySpan<byte> name, ReadOnlySpan<byte> value)
    {
        if (_target == HeaderTarget.Discard)
        {
            return;
        }

        ref var stream = ref _streams[_targetIndex];
        switch (_target)
        {
            case HeaderTarget.Request:
                if (name.SequenceEqual(":method"u8))
                {
                    stream.Method = AsciiText.UpperToken(value);
                }
                else if (name.SequenceEqual(":path"u8))
                {
                    var cut = value.IndexOfAny((byte)'?', (byte)'#');
                    stream.Path = AsciiText.Text(cut >= 0 ? value[..cut] : value);
                }
                else if (name.SequenceEqual("content-type"u8))
                {
                    stream.IsGrpc = value.StartsWith("application/grpc"u8);
                }
                else if (name.SequenceEqual("traceparent"u8))
                {
                    stream.TraceParent = AsciiText.Text(value[..Math.Min(value.Length, MaxTraceParent)]);
                }

                break;

            case HeaderTarget.Response:
                if (name.SequenceEqual(":status"u8) && AsciiText.TryParseDecimal(value, out var status) && status is >= 100 and <= 999)
                {
                    stream.Status = (int)status;
                }
                else if (name.SequenceEqual("grpc-status"u8) && AsciiText.TryParseDecimal(value, out var grpc) && grpc <= int.MaxValue)
                {
                    stream.GrpcStatus = (int)grpc;
                }

                break;

            default:
                if (name.SequenceEqual("grpc-status"u8) && AsciiText.TryParseDecimal(value, out var trailerStatus) && trailerStatus <= int.MaxValue)
                {
                    stream.GrpcStatus = (int)trailerStatus;
                }

                break;
        }
    }

    protected override FrameStatus TryFrame(ParserSide side, ReadOnlySpan<byte> rest, out Frame frame)
    {
        frame = default;
        if (side.IsRequest && !_prefaceSeen)
        {
            var preface = ProtocolSniffer.Http2Preface;
            var compare = Math.Min(rest.Length, preface.Length);
            if (!rest[..compare].SequenceEqual(preface[..compare]))
            {
                return FrameStatus.Invalid;
            }

            if (compare < preface.Length)
            {
                return FrameStatus.NeedMore;
            }

            frame = new Frame(preface.Length, 0, 0);
            return FrameStatus.Complete;
        }

        if (rest.Length < FrameHeaderLength)
        {
            return FrameStatus.NeedMore;
        }

        var length = (rest[0] << 16) | (rest[1] << 8) | rest[2];
        var type = rest[3];
        var prefix = type switch
        {
            Headers or Continuation or PushPromise or Settings or RstStream or Priority => length,
            GoAway => Math.Min(length, 8),
            _ => 0,
        };
        if (prefix > MaxControlPayload)
        {
            return FrameStatus.Invalid;
        }

        frame = new Frame(FrameHeaderLength, length, prefix);
        return FrameStatus.Complete;
    }

    protected override void OnMessage(ParserSide side, ReadOnlySpan<byte> header, ReadOnlySpan<byte> payload, in Frame frame,
        long startNs, long timestampNs, bool truncated)
    {
        if (header.Length != FrameHeaderLength)
        {
            _prefaceSeen = true;
            return;
        }

        var type = header[3];
        var flags = header[4];
        var streamId = BinaryPrimitives.ReadInt32BigEndian(header[5..]) & 0x7fff_ffff;
        var block = side.IsRequest ? _requestBlock : _responseBlock;
        if ((truncated && type is Headers or Continuation or PushPromise) || (block.Open && type != Continuation))
        {
            // A header block was cut by the capture or interleaved: the HPACK state is unknown from here on.
            GiveUp();
            return;
        }

        switch (type)
        {
            case Data:
                OnData(side, streamId, flags, startNs, timestampNs);
                break;
            case Headers:
                OnHeaders(side, block, streamId, flags, payload, startNs, timestampNs);
                break;
            case Continuation:
                if (!block.Open || block.StreamId != streamId || !block.TryAppend(payload))
                {
                    GiveUp();
                    return;
                }

                if ((flags & FlagEndHeaders) != 0)
                {
                    FinishBlock(side, block, timestampNs);
                }

                break;
            case PushPromise:
                var promise = Unpad(payload, flags);
                if (promise.Length < 4)
                {
                    GiveUp();
                    return;
                }

                block.Start(streamId, endStream: false, isPushPromise: true, startNs);
                if (!block.TryAppend(promise[4..]))
                {
                    GiveUp();
                    return;
                }

                if ((flags & FlagEndHeaders) != 0)
                {
                    FinishBlock(side, block, timestampNs);
                }

                break;
            case RstStream:
                var index = IndexOf(streamId);
                if (index >= 0)
                {
                    Complete(index, timestampNs, reset: true);
                }

                break;
            case Settings:
                if ((flags & FlagAck) == 0)
                {
                    OnSettings(side, payload);
                }

                break;
            default:
                break;
        }
    }

    protected override bool LooksLikeMessageStart(ParserSide side, ReadOnlySpan<byte> data) => false;

    protected override void ResetState(ParserSide side) => GiveUp();

    private static ReadOnlySpan<byte> Unpad(ReadOnlySpan<byte> payload, byte flags)
    {
        if ((flags & FlagPadded) == 0)
        {
            return payload;
        }

        if (payload.IsEmpty || payload[0] >= payload.Length)
        {
            return [];
        }

        return payload[1..(payload.Length - payload[0])];
    }

    private void OnSettings(ParserSide side, ReadOnlySpan<byte> payload)
    {
        // A side's SETTINGS_HEADER_TABLE_SIZE bounds the table the other side's encoder may use.
        var decoder = side.IsRequest ? _responseDecoder : _requestDecoder;
        for (var at = 0; at + 6 <= payload.Length; at += 6)
        {
            var id = BinaryPrimitives.ReadUInt16BigEndian(payload[at..]);
            var value = BinaryPrimitives.ReadUInt32BigEndian(payload[(at + 2)..]);
            if (id == 0x1)
            {
                decoder.AllowedMaxSize = (int)Math.Min(value, (uint)ParserLimits.MaxHpackTableSize);
            }
        }
    }

    private void OnHeaders(ParserSide side, HeaderBlock block, int streamId, byte flags, ReadOnlySpan<byte> payload, long startNs, long timestampNs)
    {
        var fragment = payload;
        if ((flags & FlagPadded) != 0)
        {
            if (fragment.IsEmpty || fragment[0] >= fragment.Length)
            {
                GiveUp();
                return;
            }

            fragment = fragment[1..(fragment.Length - fragment[0])];
        }

        if ((flags & FlagPriority) != 0)
        {
            if (fragment.Length < 5)
            {
                GiveUp();
                return;
            }

            fragment = fragment[5..];
        }

        block.Start(streamId, (flags & FlagEndStream) != 0, isPushPromise: false, startNs);
        if (!block.TryAppend(fragment))
        {
            GiveUp();
            return;
        }

        if ((flags & FlagEndHeaders) != 0)
        {
            FinishBlock(side, block, timestampNs);
        }
    }

    private void FinishBlock(ParserSide side, HeaderBlock block, long timestampNs)
    {
        block.Close();
        _target = HeaderTarget.Discard;
        _targetIndex = -1;
        if (!block.IsPushPromise && block.StreamId != 0)
        {
            var index = IndexOf(block.StreamId);
            if (side.IsRequest)
            {
                if (index < 0)
                {
                    index = Open(block.StreamId, block.StartNs);
                    _target = HeaderTarget.Request;
                }
            }
            else if (index >= 0)
            {
                _target = _streams[index].ResponseStarted ? HeaderTarget.Trailers : HeaderTarget.Response;
                if (!_streams[index].ResponseStarted)
                {
                    _streams[index].ResponseStarted = true;
                    _streams[index].ResponseStartNs = block.StartNs;
                }
            }

            _targetIndex = index;
        }

        var decoder = side.IsRequest ? _requestDecoder : _responseDecoder;
        if (!decoder.TryDecode(block.Bytes, this))
        {
            GiveUp();
            return;
        }

        if (_targetIndex < 0)
        {
            return;
        }

        ref var stream = ref _streams[_targetIndex];
        if (_target == HeaderTarget.Response && stream.Status is >= 100 and < 200)
        {
            // An interim response: the real one is still to come.
            stream.Status = 0;
            stream.ResponseStarted = false;
        }

        if (block.EndStream)
        {
            EndSide(side, _targetIndex, timestampNs);
        }
    }

    private void OnData(ParserSide side, int streamId, byte flags, long startNs, long timestampNs)
    {
        var index = IndexOf(streamId);
        if (index < 0)
        {
            return;
        }

        if (!side.IsRequest && !_streams[index].ResponseStarted)
        {
            _streams[index].ResponseStarted = true;
            _streams[index].ResponseStartNs = startNs;
        }

        if ((flags & FlagEndStream) != 0)
        {
            EndSide(side, index, timestampNs);
        }
    }

    private void EndSide(ParserSide side, int index, long timestampNs)
    {
        ref var stream = ref _streams[index];
        if (side.IsRequest)
        {
            stream.RequestEnded = true;
            stream.RequestEndNs = timestampNs;
        }
        else
        {
            stream.ResponseEnded = true;
            stream.ResponseEndNs = timestampNs;
        }

        if (stream.RequestEnded && stream.ResponseEnded)
        {
            Complete(index, timestampNs, reset: false);
        }
    }

    private int IndexOf(int streamId)
    {
        for (var i = 0; i < _streamCount; i++)
        {
            if (_streams[i].Id == streamId)
            {
                return i;
            }
        }

        return -1;
    }

    private int Open(int streamId, long startNs)
    {
        if (_streamCount == _streams.Length)
        {
            Remove(0);
            Unpaired++;
        }

        _streams[_streamCount] = new Http2Stream { Id = streamId, RequestStartNs = startNs, GrpcStatus = -1 };
        return _streamCount++;
    }

    private void Remove(int index)
    {
        Array.Copy(_streams, index + 1, _streams, index, _streamCount - index - 1);
        _streams[--_streamCount] = default;
        if (_targetIndex == index)
        {
            _targetIndex = -1;
        }
        else if (_targetIndex > index)
        {
            _targetIndex--;
        }
    }

    private void Complete(int index, long timestampNs, bool reset)
    {
        var stream = _streams[index];
        Remove(index);
        var grpcStatus = stream.GrpcStatus >= 0 ? stream.GrpcStatus : (int?)null;
        bool isError;
        if (reset)
        {
            isError = true;
        }
        else if (stream.IsGrpc && grpcStatus is { } code)
        {
            // Server side: only the codes that mean the server failed (UNKNOWN, DEADLINE_EXCEEDED, UNIMPLEMENTED, INTERNAL, UNAVAILABLE, DATA_LOSS).
            isError = Role == ConnectionRole.Client ? code != 0 : code is 2 or 4 or 12 or 13 or 14 or 15;
        }
        else
        {
            isError = stream.Status >= 500 || (Role == ConnectionRole.Client && stream.Status >= 400);
        }

        Emit(new ProtocolExchange
        {
            Kind = ProtocolKind.Http2,
            Role = Role,
            RequestStartNs = stream.RequestStartNs,
            RequestEndNs = stream.RequestEnded ? stream.RequestEndNs : timestampNs,
            ResponseStartNs = stream.ResponseStarted ? stream.ResponseStartNs : timestampNs,
            ResponseEndNs = timestampNs,
            Method = stream.Method,
            Path = stream.Path,
            StatusCode = stream.Status,
            IsGrpc = stream.IsGrpc,
            GrpcStatusCode = grpcStatus,
            TraceParent = stream.TraceParent,
            IsError = isError,
            StreamId = stream.Id,
        });
    }
}
