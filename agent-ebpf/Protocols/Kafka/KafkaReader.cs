using System.Buffers.Binary;

namespace OtlpGrains.Agent.Protocols.Kafka;

/// <summary>Bounds-checked reads of Kafka's primitive types; every read fails (false) rather than run past the bytes.</summary>
internal ref struct KafkaReader(ReadOnlySpan<byte> bytes)
{
    private readonly ReadOnlySpan<byte> _bytes = bytes;
    private int _position;

    public bool TryInt16(out short value)
    {
        value = 0;
        if (_bytes.Length - _position < 2)
        {
            return false;
        }

        value = BinaryPrimitives.ReadInt16BigEndian(_bytes[_position..]);
        _position += 2;
        return true;
    }

    public bool TryInt32(out int value)
    {
        value = 0;
        if (_bytes.Length - _position < 4)
        {
            return false;
        }

        value = BinaryPrimitives.ReadInt32BigEndian(_bytes[_position..]);
        _position += 4;
        return true;
    }

    public bool TrySkip(int count)
    {
        if (count < 0 || _bytes.Length - _position < count)
        {
            return false;
        }

        _position += count;
        return true;
    }

    /// <summary>An unsigned varint of at most 5 bytes (32 bits).</summary>
    public bool TryUVarInt(out uint value)
    {
        value = 0;
        for (var shift = 0; shift < 35; shift += 7)
        {
            if (_position >= _bytes.Length)
            {
                return false;
            }

            var b = _bytes[_position++];
            value |= (uint)(b & 0x7f) << shift;
            if ((b & 0x80) == 0)
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>A STRING or NULLABLE_STRING (int16 length, -1 for null).</summary>
    public bool TryString(out ReadOnlySpan<byte> value, out bool isNull)
    {
        value = default;
        isNull = false;
        if (!TryInt16(out var length) || length < -1)
        {
            return false;
        }

        isNull = length == -1;
        return isNull || TryTake(length, out value);
    }

    /// <summary>A COMPACT_(NULLABLE_)STRING (unsigned varint length + 1, 0 for null).</summary>
    public bool TryCompactString(out ReadOnlySpan<byte> value, out bool isNull)
    {
        value = default;
        isNull = false;
        if (!TryUVarInt(out var lengthPlusOne) || lengthPlusOne > int.MaxValue)
        {
            return false;
        }

        isNull = lengthPlusOne == 0;
        return isNull || TryTake((int)lengthPlusOne - 1, out value);
    }

    /// <summary>An array length: int32, or a compact unsigned varint (n + 1).</summary>
    public bool TryArrayLength(bool compact, out int count)
    {
        count = 0;
        if (!compact)
        {
            return TryInt32(out count);
        }

        if (!TryUVarInt(out var countPlusOne) || countPlusOne > int.MaxValue)
        {
            return false;
        }

        count = (int)countPlusOne - 1;
        return true;
    }

    /// <summary>Tagged fields of flexible versions: a count, then (tag, size, bytes) each.</summary>
    public bool TrySkipTaggedFields()
    {
        if (!TryUVarInt(out var count) || count > 64)
        {
            return false;
        }

        for (var i = 0; i < count; i++)
        {
            if (!TryUVarInt(out _) || !TryUVarInt(out var size) || size > int.MaxValue || !TrySkip((int)size))
            {
                return false;
            }
        }

        return true;
    }

    private bool TryTake(int length, out ReadOnlySpan<byte> value)
    {
        value = default;
        if (length < 0 || _bytes.Length - _position < length)
        {
            return false;
        }

        value = _bytes.Slice(_position, length);
        _position += length;
        return true;
    }
}
