using System.Buffers.Binary;
using System.Globalization;

namespace OtlpGrains.Agent.Protocols.Kafka;

/// <summary>
/// Kafka: size-prefixed requests with header v1/v2 (api key, version, correlation id, client id, tagged fields) and
/// responses matched by correlation id. Produce (0) and Fetch (1) become exchanges, with the first topic name when it
/// is in the captured bytes and the error code where it is cheap to reach; produce with acks=0 has no response.
/// </summary>
internal sealed class KafkaParser : FramedParser
{
    private const short Produce = 0;
    private const short Fetch = 1;
    private const int MaxMessageSize = 256 * 1024 * 1024;
    private const int RequestPrefix = 1024;
    private const int ResponsePrefix = 512;
    private const int MaxTopicLength = 249;

    private readonly KafkaRequest[] _inFlight = new KafkaRequest[ParserLimits.MaxPendingRequests];
    private int _inFlightCount;

    public KafkaParser(Direction requestDirection, Action<ProtocolExchange> sink)
        : base(ProtocolKind.Kafka, requestDirection, sink)
    {
    }

    protected override FrameStatus TryFrame(ParserSide side, ReadOnlySpan<byte> rest, out Frame frame)
    {
        frame = default;
        if (rest.Length < 4)
        {
            return FrameStatus.NeedMore;
        }

        var size = BinaryPrimitives.ReadInt32BigEndian(rest);
        if (size < (side.IsRequest ? 10 : 4) || size > MaxMessageSize)
        {
            return FrameStatus.Invalid;
        }

        frame = new Frame(4, size, Math.Min(size, side.IsRequest ? RequestPrefix : ResponsePrefix));
        return FrameStatus.Complete;
    }

    protected override void OnMessage(ParserSide side, ReadOnlySpan<byte> header, ReadOnlySpan<byte> prefix, in Frame frame,
        long startNs, long timestampNs, bool truncated)
    {
        if (side.IsRequest)
        {
            OnRequest(prefix, startNs, timestampNs, truncated);
        }
        else
        {
            OnResponse(prefix, startNs, timestampNs, truncated);
        }
    }

    protected override bool LooksLikeMessageStart(ParserSide side, ReadOnlySpan<byte> data)
    {
        if (data.Length < 8)
        {
            return false;
        }

        var size = BinaryPrimitives.ReadInt32BigEndian(data);
        if (size < 4 || size > MaxMessageSize)
        {
            return false;
        }

        if (side.IsRequest)
        {
            var apiKey = BinaryPrimitives.ReadInt16BigEndian(data[4..]);
            var version = BinaryPrimitives.ReadInt16BigEndian(data[6..]);
            return apiKey is >= 0 and <= 80 && version is >= 0 and <= 20;
        }

        var correlationId = BinaryPrimitives.ReadInt32BigEndian(data[4..]);
        return IndexOf(correlationId) >= 0;
    }

    protected override void ResetState(ParserSide side)
    {
    }

    private static bool IsFlexible(short apiKey, short version) => apiKey switch
    {
        Produce => version >= 9,
        Fetch => version >= 12,
        _ => false,
    };

    private static string? TopicName(ReadOnlySpan<byte> name) =>
        name.Length is > 0 and <= MaxTopicLength && AsciiText.IsText(name) ? AsciiText.Text(name) : null;

    /// <summary>The first topic of a produce request's body, after transactional id, acks and timeout.</summary>
    private static string? ProduceTopic(ref KafkaReader reader, short version, bool flexible, out short acks)
    {
        acks = -1;
        if (version >= 3)
        {
            var ok = flexible ? reader.TryCompactString(out _, out _) : reader.TryString(out _, out _);
            if (!ok)
            {
                return null;
            }
        }

        if (!reader.TryInt16(out acks) || !reader.TryInt32(out _))
        {
            return null;
        }

        return version < 13 && reader.TryArrayLength(flexible, out var topics) && topics > 0 ? ReadName(ref reader, flexible) : null;
    }

    /// <summary>The first topic of a fetch request, after its fixed fields (which vary with the version).</summary>
    private static string? FetchTopic(ref KafkaReader reader, short version, bool flexible)
    {
        var skip = (version < 15 ? 4 : 0) + 4 + 4 + (version >= 3 ? 4 : 0) + (version >= 4 ? 1 : 0) + (version >= 7 ? 8 : 0);
        if (!reader.TrySkip(skip))
        {
            return null;
        }

        return version < 13 && reader.TryArrayLength(flexible, out var topics) && topics > 0 ? ReadName(ref reader, flexible) : null;
    }

    private static string? ReadName(ref KafkaReader reader, bool flexible)
    {
        var ok = flexible ? reader.TryCompactString(out var name, out var isNull) : reader.TryString(out name, out isNull);
        return ok && !isNull ? TopicName(name) : null;
    }

    /// <summary>Produce: the first partition's error code (topics, name, partitions, index, error).</summary>
    private static short ProduceError(ref KafkaReader reader, short version, bool flexible)
    {
        if (version >= 13 || !reader.TryArrayLength(flexible, out var topics) || topics <= 0)
        {
            return 0;
        }

        var named = flexible ? reader.TryCompactString(out _, out _) : reader.TryString(out _, out _);
        return named && reader.TryArrayLength(flexible, out var partitions) && partitions > 0 && reader.TryInt32(out _)
            && reader.TryInt16(out var error) ? error : (short)0;
    }

    private void OnRequest(ReadOnlySpan<byte> message, long startNs, long timestampNs, bool truncated)
    {
        var reader = new KafkaReader(message);
        if (!reader.TryInt16(out var apiKey) || !reader.TryInt16(out var version) || !reader.TryInt32(out var correlationId))
        {
            return;
        }

        if (apiKey is not (Produce or Fetch))
        {
            return;
        }

        string? clientId = null;
        if (reader.TryString(out var client, out var clientIsNull) && !clientIsNull && client.Length <= 256)
        {
            clientId = AsciiText.Text(client);
        }

        var flexible = IsFlexible(apiKey, version);
        string? topic = null;
        short acks = -1;
        if (!flexible || reader.TrySkipTaggedFields())
        {
            topic = apiKey == Produce ? ProduceTopic(ref reader, version, flexible, out acks) : FetchTopic(ref reader, version, flexible);
        }

        var request = new KafkaRequest
        {
            CorrelationId = correlationId,
            ApiKey = apiKey,
            ApiVersion = version,
            ClientId = clientId,
            Topic = topic,
            StartNs = startNs,
            EndNs = timestampNs,
            Truncated = truncated,
        };
        if (apiKey == Produce && acks == 0)
        {
            // Fire and forget: the broker sends no response.
            EmitExchange(request, 0, 0, 0, truncated: false);
            return;
        }

        if (_inFlightCount == _inFlight.Length)
        {
            Forget(0);
            Unpaired++;
        }

        _inFlight[_inFlightCount++] = request;
    }

    private void OnResponse(ReadOnlySpan<byte> message, long startNs, long timestampNs, bool truncated)
    {
        var reader = new KafkaReader(message);
        if (!reader.TryInt32(out var correlationId))
        {
            return;
        }

        var index = IndexOf(correlationId);
        if (index < 0)
        {
            // A response to an api this parser does not follow.
            return;
        }

        // Responses come in request order: requests before this one lost their responses.
        Unpaired += index;
        var request = _inFlight[index];
        for (var i = 0; i <= index; i++)
        {
            Forget(0);
        }

        var flexible = IsFlexible(request.ApiKey, request.ApiVersion);
        short error = 0;
        if (!flexible || reader.TrySkipTaggedFields())
        {
            if (request.ApiKey == Produce)
            {
                error = ProduceError(ref reader, request.ApiVersion, flexible);
            }
            else if (request.ApiVersion >= 7 && reader.TryInt32(out _) && reader.TryInt16(out var fetchError))
            {
                error = fetchError;
            }
        }

        EmitExchange(request, startNs, timestampNs, error, truncated);
    }

    private int IndexOf(int correlationId)
    {
        for (var i = 0; i < _inFlightCount; i++)
        {
            if (_inFlight[i].CorrelationId == correlationId)
            {
                return i;
            }
        }

        return -1;
    }

    private void Forget(int index)
    {
        Array.Copy(_inFlight, index + 1, _inFlight, index, _inFlightCount - index - 1);
        _inFlight[--_inFlightCount] = default;
    }

    private void EmitExchange(in KafkaRequest request, long responseStartNs, long responseEndNs, short error, bool truncated) => Emit(new ProtocolExchange
    {
        Kind = ProtocolKind.Kafka,
        Role = Role,
        RequestStartNs = request.StartNs,
        RequestEndNs = request.EndNs,
        ResponseStartNs = responseStartNs,
        ResponseEndNs = responseEndNs,
        Operation = request.ApiKey == Produce ? "produce" : "fetch",
        KafkaApiKey = request.ApiKey,
        Topic = request.Topic,
        ClientId = request.ClientId,
        IsError = error != 0,
        ErrorCode = error != 0 ? error.ToString(CultureInfo.InvariantCulture) : null,
        Truncated = truncated || request.Truncated,
    });
}
