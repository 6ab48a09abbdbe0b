using System.Buffers.Binary;
using System.Text;

namespace OtlpGrains.TestSupport;

/// <summary>
/// Builds Kafka protocol bytes with the protocol's big-endian primitive types: a size-prefixed frame
/// (<see cref="Framed"/>) or a bare body (<see cref="ToArray"/>). The recording broker writes responses with it, and the
/// agent's tests (which link this file) write requests and responses.
/// </summary>
public sealed class KafkaFrameWriter
{
    private readonly List<byte> _body = [];

    public KafkaFrameWriter Int8(byte value)
    {
        _body.Add(value);
        return this;
    }

    public KafkaFrameWriter Int16(short value)
    {
        Span<byte> bytes = stackalloc byte[2];
        BinaryPrimitives.WriteInt16BigEndian(bytes, value);
        _body.AddRange(bytes);
        return this;
    }

    public KafkaFrameWriter Int32(int value)
    {
        Span<byte> bytes = stackalloc byte[4];
        BinaryPrimitives.WriteInt32BigEndian(bytes, value);
        _body.AddRange(bytes);
        return this;
    }

    public KafkaFrameWriter Int64(long value)
    {
        Span<byte> bytes = stackalloc byte[8];
        BinaryPrimitives.WriteInt64BigEndian(bytes, value);
        _body.AddRange(bytes);
        return this;
    }

    public KafkaFrameWriter UVarInt(uint value)
    {
        while (value >= 0x80)
        {
            _body.Add((byte)(value | 0x80));
            value >>= 7;
        }

        _body.Add((byte)value);
        return this;
    }

    /// <summary>STRING, or NULLABLE_STRING when null (length -1).</summary>
    public KafkaFrameWriter String(string? value)
    {
        if (value is null)
        {
            return Int16(-1);
        }

        var bytes = Encoding.UTF8.GetBytes(value);
        Int16((short)bytes.Length);
        _body.AddRange(bytes);
        return this;
    }

    /// <summary>COMPACT_STRING (unsigned varint length + 1) of flexible versions.</summary>
    public KafkaFrameWriter CompactString(string value)
    {
        var bytes = Encoding.UTF8.GetBytes(value);
        UVarInt((uint)bytes.Length + 1);
        _body.AddRange(bytes);
        return this;
    }

    /// <summary>Bytes as they are, without a length.</summary>
    public KafkaFrameWriter Raw(byte[] value)
    {
        _body.AddRange(value);
        return this;
    }

    /// <summary>NULLABLE_BYTES (int32 length, -1 for null).</summary>
    public KafkaFrameWriter Bytes(byte[]? value)
    {
        if (value is null)
        {
            return Int32(-1);
        }

        Int32(value.Length);
        _body.AddRange(value);
        return this;
    }

    /// <summary>The body written so far, without a size.</summary>
    public byte[] ToArray() => [.. _body];

    /// <summary>The frame: int32 size, then the body written so far.</summary>
    public byte[] Framed()
    {
        var frame = new byte[4 + _body.Count];
        BinaryPrimitives.WriteInt32BigEndian(frame, _body.Count);
        _body.CopyTo(frame, 4);
        return frame;
    }
}
