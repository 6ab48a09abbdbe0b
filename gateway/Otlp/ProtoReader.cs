using System.Buffers.Binary;
using System.Diagnostics.CodeAnalysis;
using System.Runtime.CompilerServices;

namespace OtlpGrains.Gateway.Otlp;

/// <summary>
/// Walks one protobuf message of the wire format in place: tags, varints, fixed64/fixed32 and length-delimited
/// fields, the latter returned as slices of the input (nothing is copied). It refuses what Google.Protobuf refuses
/// while reading the fields it walks: a truncated field, a varint longer than ten bytes, a zero tag or field number,
/// a negative length (except in a packed field, which it too reads as empty), an overlong length, wire types 6 and 7,
/// and unbalanced groups.
/// </summary>
/// <remarks>
/// A field of a known number but an unexpected wire type is an unknown field to Google.Protobuf (its generated
/// code switches on the whole tag), so callers switch on the whole tag and <see cref="Skip(uint)"/> the rest.
/// </remarks>
internal ref struct ProtoReader(ReadOnlySpan<byte> message)
{
    public const int Varint = 0;
    public const int Fixed64 = 1;
    public const int Len = 2;
    public const int StartGroup = 3;
    public const int EndGroup = 4;
    public const int Fixed32 = 5;

    // Google.Protobuf's default recursion limit; only groups recurse here, messages are walked one level at a time.
    private const int MaxGroupDepth = 100;

    private readonly ReadOnlySpan<byte> _data = message;
    private int _position;

    /// <summary>Bytes left after the last field read.</summary>
    public readonly int Remaining => _data.Length - _position;

    /// <summary>Reads the next tag, or returns false at the end of the message.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public bool Next(out uint tag)
    {
        if (_position >= _data.Length)
        {
            tag = 0;
            return false;
        }

        // Google.Protobuf reads a tag as a 32-bit varint: longer encodings keep their low 32 bits.
        tag = (uint)ReadVarint();
        if (tag >> 3 == 0)
        {
            ThrowInvalidTag(tag);
        }

        if ((tag & 7) == EndGroup)
        {
            Throw("end-group tag without a start-group");
        }

        return true;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public ulong ReadVarint()
    {
        if (_position < _data.Length)
        {
            byte first = _data[_position];
            if (first < 0x80)
            {
                _position++;
                return first;
            }
        }

        return ReadVarintSlow();
    }

    /// <summary>An enum or int32 field: the low 32 bits of its varint, as Google.Protobuf reads it.</summary>
    public int ReadInt32() => (int)ReadVarint();

    public ulong ReadFixed64()
    {
        if (_data.Length - _position < 8)
        {
            ThrowTruncated();
        }

        ulong value = BinaryPrimitives.ReadUInt64LittleEndian(_data[_position..]);
        _position += 8;
        return value;
    }

    public double ReadDouble() => BitConverter.UInt64BitsToDouble(ReadFixed64());

    /// <summary>A length-delimited field (bytes, string or embedded message) as a slice of the input.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public ReadOnlySpan<byte> ReadBytes()
    {
        // Google.Protobuf reads a length as a 32-bit varint, so a length with high bits set can be negative.
        int length = (int)ReadVarint();
        if (length < 0)
        {
            Throw("negative length");
        }

        return Take(length);
    }

    /// <summary>
    /// The payload of a packed repeated number field. Unlike <see cref="ReadBytes"/> it takes a negative length, as
    /// Google.Protobuf does for packed fields (it reads one as an empty field and goes on after the length), so that
    /// the two agree on what they refuse.
    /// </summary>
    public ReadOnlySpan<byte> ReadPacked()
    {
        int length = (int)ReadVarint();
        return length < 0 ? [] : Take(length);
    }

    // The next length bytes, as a slice of the input.
    private ReadOnlySpan<byte> Take(int length)
    {
        if (length > _data.Length - _position)
        {
            ThrowTruncated();
        }

        var value = _data.Slice(_position, length);
        _position += length;
        return value;
    }

    /// <summary>Skips the field whose tag was just read, checking its encoding without looking inside it.</summary>
    public void Skip(uint tag) => Skip(tag, 0);

    [DoesNotReturn]
    public static void Throw(string reason) => throw new OtlpFormatException(reason);

    [DoesNotReturn]
    private static void ThrowTruncated() => Throw("truncated message: a field runs past the end of its message");

    [DoesNotReturn]
    private static void ThrowInvalidTag(uint tag) => Throw(tag == 0 ? "invalid tag (zero)" : "invalid tag (field number zero)");

    private void Skip(uint tag, int depth)
    {
        switch ((int)(tag & 7))
        {
            case Varint:
                ReadVarint();
                break;
            case Fixed64:
                Advance(8);
                break;
            case Len:
                ReadBytes();
                break;
            case Fixed32:
                Advance(4);
                break;
            case StartGroup:
                SkipGroup(tag >> 3, depth + 1);
                break;
            default:
                Throw($"invalid wire type {tag & 7} (field {tag >> 3})");
                break;
        }
    }

    private void SkipGroup(uint field, int depth)
    {
        if (depth > MaxGroupDepth)
        {
            Throw("groups nested too deeply");
        }

        while (true)
        {
            if (_position >= _data.Length)
            {
                ThrowTruncated();
            }

            uint tag = (uint)ReadVarint();
            if (tag >> 3 == 0)
            {
                ThrowInvalidTag(tag);
            }

            if ((tag & 7) == EndGroup)
            {
                if (tag >> 3 != field)
                {
                    Throw("end-group tag does not match its start-group");
                }

                return;
            }

            Skip(tag, depth);
        }
    }

    private void Advance(int count)
    {
        if (_data.Length - _position < count)
        {
            ThrowTruncated();
        }

        _position += count;
    }

    private ulong ReadVarintSlow()
    {
        ulong result = 0;
        for (int shift = 0; shift < 70; shift += 7)
        {
            if (_position >= _data.Length)
            {
                ThrowTruncated();
            }

            byte b = _data[_position++];
            result |= (ulong)(b & 0x7F) << shift;
            if (b < 0x80)
            {
                return result;
            }
        }

        Throw("malformed varint (more than ten bytes)");
        return 0;
    }
}
