using System.Buffers.Binary;
using System.Text;
using Xunit;

namespace OtlpGrains.Agent.Tests;

/// <summary>Kafka protocol requests and responses, written from the protocol guide (fixed and flexible versions).</summary>
internal static class KafkaWire
{
    public static bool IsFlexible(short apiKey, short version) => apiKey switch
    {
        0 => version >= 9,
        1 => version >= 12,
        18 => version >= 3,
        _ => false,
    };

    public static byte[] Request(short apiKey, short version, int correlationId, string? clientId, byte[] body)
    {
        var writer = new KafkaWriter();
        writer.Int16(apiKey).Int16(version).Int32(correlationId).NullableString(clientId);
        if (IsFlexible(apiKey, version))
        {
            writer.Byte(0);
        }

        writer.Bytes(body);
        return writer.Framed();
    }

    public static byte[] Response(short apiKey, short version, int correlationId, byte[] body)
    {
        var writer = new KafkaWriter().Int32(correlationId);
        if (IsFlexible(apiKey, version) && apiKey != 18)
        {
            writer.Byte(0);
        }

        return writer.Bytes(body).Framed();
    }

    public static byte[] ProduceBody(short version, string topic, short acks, int recordBytes = 60)
    {
        var writer = new KafkaWriter();
        var flexible = version >= 9;
        if (version >= 3)
        {
            if (flexible)
            {
                writer.UVarInt(0);
            }
            else
            {
                writer.Int16(-1);
            }
        }

        writer.Int16(acks).Int32(30_000);
        if (flexible)
        {
            writer.UVarInt(2).CompactString(topic).UVarInt(2).Int32(0).UVarInt((uint)recordBytes + 1).Bytes(new byte[recordBytes]).Byte(0).Byte(0).Byte(0);
        }
        else
        {
            writer.Int32(1).String(topic).Int32(1).Int32(0).Int32(recordBytes).Bytes(new byte[recordBytes]);
        }

        return writer.ToArray();
    }

    public static byte[] FetchBody(short version, string topic)
    {
        var writer = new KafkaWriter();
        var flexible = version >= 12;
        writer.Int32(-1).Int32(500).Int32(1);
        if (version >= 3)
        {
            writer.Int32(50 * 1024 * 1024);
        }

        if (version >= 4)
        {
            writer.Byte(0);
        }

        if (version >= 7)
        {
            writer.Int32(0).Int32(-1);
        }

        if (flexible)
        {
            writer.UVarInt(2).CompactString(topic).UVarInt(2).Int32(0).Int32(-1).Int64(0).Int32(-1).Int64(-1).Int32(1024 * 1024).Byte(0).Byte(0)
                .UVarInt(1).CompactString("").Byte(0);
        }
        else
        {
            writer.Int32(1).String(topic).Int32(1).Int32(0);
            if (version >= 9)
            {
                writer.Int32(-1);
            }

            writer.Int64(0);
            if (version >= 5)
            {
                writer.Int64(-1);
            }

            writer.Int32(1024 * 1024);
        }

        return writer.ToArray();
    }

    public static byte[] ProduceResponseBody(short version, string topic, short errorCode)
    {
        var writer = new KafkaWriter();
        if (version >= 9)
        {
            writer.UVarInt(2).CompactString(topic).UVarInt(2).Int32(0).Int16(errorCode).Int64(-1).Int64(-1).Int64(-1).UVarInt(1).UVarInt(0).Byte(0).Byte(0)
                .Int32(0).Byte(0);
        }
        else
        {
            writer.Int32(1).String(topic).Int32(1).Int32(0).Int16(errorCode).Int64(-1);
            if (version >= 2)
            {
                writer.Int64(-1);
            }

            if (version >= 1)
            {
                writer.Int32(0);
            }
        }

        return writer.ToArray();
    }

    public static byte[] FetchResponseBody(short version, short errorCode, int recordBytes = 100)
    {
        var writer = new KafkaWriter();
        if (version >= 1)
        {
            writer.Int32(0);
        }

        if (version >= 7)
        {
            writer.Int16(errorCode).Int32(0);
        }

        writer.Bytes(new byte[recordBytes]);
        return writer.ToArray();
    }

    private sealed class KafkaWriter
    {
        private readonly List<byte> _stream = [];

        public KafkaWriter Byte(byte value)
        {
            _stream.Add(value);
            return this;
        }

        public KafkaWriter Int16(short value)
        {
            Span<byte> bytes = stackalloc byte[2];
            BinaryPrimitives.WriteInt16BigEndian(bytes, value);
            _stream.AddRange(bytes);
            return this;
        }

        public KafkaWriter Int32(int value)
        {
            Span<byte> bytes = stackalloc byte[4];
            BinaryPrimitives.WriteInt32BigEndian(bytes, value);
            _stream.AddRange(bytes);
            return this;
        }

        public KafkaWriter Int64(long value)
        {
            Span<byte> bytes = stackalloc byte[8];
            BinaryPrimitives.WriteInt64BigEndian(bytes, value);
            _stream.AddRange(bytes);
            return this;
        }

        public KafkaWriter UVarInt(uint value)
        {
            while (value >= 0x80)
            {
                _stream.Add((byte)(value | 0x80));
                value >>= 7;
            }

            _stream.Add((byte)value);
            return this;
        }

        public KafkaWriter String(string text)
        {
            var bytes = Encoding.UTF8.GetBytes(text);
            return Int16((short)bytes.Length).Bytes(bytes);
        }

        public KafkaWriter NullableString(string? text) => text is null ? Int16(-1) : String(text);

        public KafkaWriter CompactString(string text)
        {
            var bytes = Encoding.UTF8.GetBytes(text);
            return UVarInt((uint)bytes.Length + 1).Bytes(bytes);
        }

        public KafkaWriter Bytes(byte[] bytes)
        {
            _stream.AddRange(bytes);
            return this;
        }

        public byte[] ToArray() => _stream.ToArray();

        public byte[] Framed()
        {
            var body = _stream.ToArray();
            var framed = new byte[4 + body.Length];
            BinaryPrimitives.WriteInt32BigEndian(framed, body.Length);
            body.CopyTo(framed, 4);
            Assert.True(framed.Length > 4);
            return framed;
        }
    }
}
