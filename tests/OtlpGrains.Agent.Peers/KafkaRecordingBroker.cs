using System.Buffers.Binary;
using System.Net.Sockets;
using System.Net;
using System.Text;
using OtlpGrains.TestSupport;

namespace OtlpGrains.Agent.Peers;

/// <summary>
/// Just enough of a Kafka broker for librdkafka to produce one message and fetch it back: ApiVersions, Metadata,
/// Produce and Fetch, answered per the protocol guide at versions below the flexible (tagged-field) ones, except
/// ApiVersions v3. Each connection's requests and responses are kept in order as (direction, frame) pairs.
/// </summary>
internal sealed class KafkaRecordingBroker : IAsyncDisposable
{
    public const string Topic = "orders";

    /// <summary>A topic whose produce requests fail with MESSAGE_TOO_LARGE (10), a non-retriable error.</summary>
    public const string RejectingTopic = "audit";

    private const short MessageTooLarge = 10;

    private const short Produce = 0;
    private const short Fetch = 1;
    private const short Metadata = 3;
    private const short ApiVersions = 18;
    private const short UnsupportedVersion = 35;
    private const int NodeId = 1;

    // (api key, min, max): Produce from v3 (record batches v2), Fetch from v4; all below their flexible versions.
    private static readonly (short Key, short Min, short Max)[] Supported =
        [(Produce, 3, 7), (Fetch, 4, 11), (Metadata, 0, 4), (ApiVersions, 0, 3)];

    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly CancellationTokenSource _stop = new();
    private readonly List<Task> _connections = [];
    private readonly Lock _gate = new();
    private readonly Task _accepting;
    private byte[]? _records;

    public KafkaRecordingBroker()
    {
        _listener.Start();
        _accepting = AcceptAsync();
    }

    public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

    /// <summary>Every connection's frames so far, in accept order: (true = client to broker, frame bytes).</summary>
    public List<List<(bool FromClient, byte[] Frame)>> Recordings { get; } = [];

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        await Task.WhenAll([_accepting, .. _connections]).ContinueWith(_ => { }, TaskScheduler.Default);
        _stop.Dispose();
    }

    private static async Task<byte[]?> ReadFrameAsync(NetworkStream stream, CancellationToken cancellationToken)
    {
        var size = new byte[4];
        try
        {
            await stream.ReadExactlyAsync(size, cancellationToken);
            var frame = new byte[4 + BinaryPrimitives.ReadInt32BigEndian(size)];
            size.CopyTo(frame, 0);
            await stream.ReadExactlyAsync(frame.AsMemory(4), cancellationToken);
            return frame;
        }
        catch (Exception e) when (e is EndOfStreamException or IOException or OperationCanceledException)
        {
            return null;
        }
    }

    private static byte[] ApiVersionsResponse(int correlationId, short version)
    {
        // The response header of ApiVersions is always v0 (no tagged fields), so a client can read it at any version.
        var writer = new KafkaFrameWriter().Int32(correlationId);
        if (version > 3)
        {
            // Too new: error and our range at v0, and the client retries with a version we have.
            writer.Int16(UnsupportedVersion).Int32(1).Int16(ApiVersions).Int16(0).Int16(3);
            return writer.Framed();
        }

        writer.Int16(0);
        if (version >= 3)
        {
            writer.UVarInt((uint)Supported.Length + 1);
        }
        else
        {
            writer.Int32(Supported.Length);
        }

        foreach (var (key, min, max) in Supported)
        {
            writer.Int16(key).Int16(min).Int16(max);
            if (version >= 3)
            {
                writer.UVarInt(0);
            }
        }

        if (version >= 1)
        {
            writer.Int32(0);
        }

        if (version >= 3)
        {
            writer.UVarInt(0);
        }

        return writer.Framed();
    }

    private async Task AcceptAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            TcpClient client;
            try
            {
                client = await _listener.AcceptTcpClientAsync(_stop.Token);
            }
            catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException)
            {
                return;
            }

            var recording = new List<(bool, byte[])>();
            lock (_gate)
            {
                Recordings.Add(recording);
                _connections.Add(ServeAsync(client, recording));
            }
        }
    }

    private async Task ServeAsync(TcpClient client, List<(bool, byte[])> recording)
    {
        using (client)
        {
            var stream = client.GetStream();
            while (await ReadFrameAsync(stream, _stop.Token) is { } request)
            {
                lock (_gate)
                {
                    recording.Add((true, request));
                }

                var response = await AnswerAsync(request);
                if (response is null)
                {
                    continue;
                }

                lock (_gate)
                {
                    recording.Add((false, response));
                }

                await stream.WriteAsync(response, _stop.Token);
            }
        }
    }

    private async Task<byte[]?> AnswerAsync(byte[] frame)
    {
        var reader = new FrameReader(frame.AsMemory(4));
        var apiKey = reader.Int16();
        var version = reader.Int16();
        var correlationId = reader.Int32();
        reader.String(); // client id
        switch (apiKey)
        {
            case ApiVersions:
                return ApiVersionsResponse(correlationId, version);
            case Metadata:
                return MetadataResponse(correlationId, version);
            case Produce:
                return ProduceResponse(ref reader, correlationId, version);
            case Fetch:
                var (offset, maxWaitMs) = FetchRequest(ref reader, version);
                var records = offset == 0 ? _records : null;
                if (records is null)
                {
                    // Nothing new: wait as a broker would, so the client does not spin.
                    await Task.Delay(Math.Clamp(maxWaitMs, 0, 200));
                }

                return FetchResponse(correlationId, version, records);
            default:
                await Console.Error.WriteLineAsync($"kafka broker: no answer to api key {apiKey} v{version}");
                return null;
        }
    }

    private byte[] MetadataResponse(int correlationId, short version)
    {
        var writer = new KafkaFrameWriter().Int32(correlationId);
        if (version >= 3)
        {
            writer.Int32(0); // throttle
        }

        writer.Int32(1).Int32(NodeId).String("127.0.0.1").Int32(Port);
        if (version >= 1)
        {
            writer.String(null); // rack
        }

        if (version >= 2)
        {
            writer.String("otlpgrains-recording");
        }

        if (version >= 1)
        {
            writer.Int32(NodeId); // controller
        }

        writer.Int32(2);
        foreach (var topic in new[] { Topic, RejectingTopic })
        {
            writer.Int16(0).String(topic);
            if (version >= 1)
            {
                writer.Int8(0); // not internal
            }

            // One partition, 0, led by this node, which is also its only replica and in sync.
            writer.Int32(1).Int16(0).Int32(0).Int32(NodeId).Int32(1).Int32(NodeId).Int32(1).Int32(NodeId);
        }

        return writer.Framed();
    }

    private byte[] ProduceResponse(ref FrameReader reader, int correlationId, short version)
    {
        reader.String(); // transactional id (v3+)
        reader.Int16(); // acks
        reader.Int32(); // timeout
        var topics = reader.Int32();
        var topic = Topic;
        for (var t = 0; t < topics; t++)
        {
            topic = reader.String() ?? Topic;
            var partitions = reader.Int32();
            for (var p = 0; p < partitions; p++)
            {
                reader.Int32();
                var records = reader.Bytes();
                lock (_gate)
                {
                    if (topic == Topic)
                    {
                        _records ??= records;
                    }
                }
            }
        }

        var writer = new KafkaFrameWriter().Int32(correlationId)
            .Int32(1).String(topic).Int32(1).Int32(0).Int16(topic == RejectingTopic ? MessageTooLarge : (short)0).Int64(0);
        if (version >= 2)
        {
            writer.Int64(-1); // log append time: none (create time)
        }

        if (version >= 5)
        {
            writer.Int64(0); // log start offset
        }

        return writer.Int32(0).Framed(); // throttle
    }

    private static (long Offset, int MaxWaitMs) FetchRequest(ref FrameReader reader, short version)
    {
        reader.Int32(); // replica id
        var maxWaitMs = reader.Int32();
        reader.Int32(); // min bytes
        reader.Int32(); // max bytes (v3+)
        reader.Int8(); // isolation level (v4+)
        if (version >= 7)
        {
            reader.Int32(); // session id
            reader.Int32(); // session epoch
        }

        if (reader.Int32() < 1)
        {
            return (-1, maxWaitMs);
        }

        reader.String(); // topic
        if (reader.Int32() < 1)
        {
            return (-1, maxWaitMs);
        }

        reader.Int32(); // partition
        if (version >= 9)
        {
            reader.Int32(); // current leader epoch
        }

        return (reader.Int64(), maxWaitMs);
    }

    private static byte[] FetchResponse(int correlationId, short version, byte[]? records)
    {
        var writer = new KafkaFrameWriter().Int32(correlationId).Int32(0); // throttle
        if (version >= 7)
        {
            writer.Int16(0).Int32(0); // error, session id
        }

        writer.Int32(1).String(Topic).Int32(1).Int32(0).Int16(0).Int64(records is null ? 0 : 1).Int64(records is null ? 0 : 1);
        if (version >= 5)
        {
            writer.Int64(0); // log start offset
        }

        writer.Int32(0); // aborted transactions: none
        if (version >= 11)
        {
            writer.Int32(-1); // preferred read replica: none
        }

        return writer.Bytes(records ?? []).Framed();
    }

    /// <summary>Reads the request fields the broker needs; past the end it yields zeros rather than throw.</summary>
    private ref struct FrameReader(Memory<byte> bytes)
    {
        private readonly Span<byte> _bytes = bytes.Span;
        private int _at;

        public byte Int8() => Take(1) is { Length: 1 } b ? b[0] : (byte)0;

        public short Int16() => Take(2) is { Length: 2 } b ? BinaryPrimitives.ReadInt16BigEndian(b) : (short)0;

        public int Int32() => Take(4) is { Length: 4 } b ? BinaryPrimitives.ReadInt32BigEndian(b) : 0;

        public long Int64() => Take(8) is { Length: 8 } b ? BinaryPrimitives.ReadInt64BigEndian(b) : 0;

        public string? String()
        {
            var length = Int16();
            return length < 0 ? null : Encoding.UTF8.GetString(Take(length));
        }

        public byte[]? Bytes()
        {
            var length = Int32();
            return length < 0 ? null : Take(length).ToArray();
        }

        private Span<byte> Take(int count)
        {
            count = Math.Clamp(count, 0, _bytes.Length - _at);
            var taken = _bytes.Slice(_at, count);
            _at += count;
            return taken;
        }
    }
}
