using System.Buffers;
using System.Buffers.Binary;
using System.Numerics;

namespace OtlpGrains.Gateway.Otlp;

/// <summary>
/// Protobuf wire bytes written front to back into one contiguous buffer rented from
/// <see cref="ArrayPool{T}.Shared"/>. A length-delimited field whose size is known only at its end (a nested
/// message, a packed array) reserves one byte for its length and widens it in place when it closes; most nested
/// OTLP messages (attributes, values) are under 128 bytes, so only the large containers are ever moved.
/// </summary>
/// <remarks>Not thread-safe. The bytes stay valid until the next write or <see cref="Dispose"/>.</remarks>
internal sealed class ProtobufWriter : IDisposable
{
    private const int MinimumCapacity = 256;

    private byte[] _buffer;
    private int _length;

    public ProtobufWriter(int capacityHint = MinimumCapacity)
    {
        _buffer = ArrayPool<byte>.Shared.Rent(Math.Max(capacityHint, MinimumCapacity));
    }

    /// <summary>The bytes written so far.</summary>
    public ReadOnlySpan<byte> WrittenSpan => Buffer.AsSpan(0, _length);

    /// <summary>The bytes written so far.</summary>
    public ReadOnlyMemory<byte> WrittenMemory => Buffer.AsMemory(0, _length);

    /// <summary>How many bytes have been written.</summary>
    public int Length => _length;

    private byte[] Buffer => _buffer.Length == 0 ? throw new ObjectDisposedException(nameof(ProtobufWriter)) : _buffer;

    /// <summary>Forgets what was written; keeps the buffer.</summary>
    public void Clear() => _length = 0;

    public void WriteVarint(ulong value)
    {
        Span<byte> destination = GetSpan(10);
        int i = 0;
        while (value >= 0x80)
        {
            destination[i++] = (byte)(value | 0x80);
            value >>= 7;
        }

        destination[i++] = (byte)value;
        _length += i;
    }

    public void WriteFixed32(uint value)
    {
        BinaryPrimitives.WriteUInt32LittleEndian(GetSpan(4), value);
        _length += 4;
    }

    public void WriteFixed64(ulong value)
    {
        BinaryPrimitives.WriteUInt64LittleEndian(GetSpan(8), value);
        _length += 8;
    }

    /// <summary>Writes a precomputed field tag; almost all are one byte.</summary>
    public void WriteTag(ReadOnlySpan<byte> tag)
    {
        Span<byte> destination = GetSpan(tag.Length);
        if (tag.Length == 1)
        {
            destination[0] = tag[0];
        }
        else
        {
            tag.CopyTo(destination);
        }

        _length += tag.Length;
    }

    /// <summary>Writes a field: its tag, the length of <paramref name="bytes"/>, then the bytes.</summary>
    public void WriteLengthDelimited(ReadOnlySpan<byte> tag, ReadOnlySpan<byte> bytes)
    {
        Span<byte> destination = GetSpan(tag.Length + 5 + bytes.Length);
        int i = tag.Length;
        if (i == 1)
        {
            destination[0] = tag[0];
        }
        else
        {
            tag.CopyTo(destination);
        }

        uint length = (uint)bytes.Length;
        while (length >= 0x80)
        {
            destination[i++] = (byte)(length | 0x80);
            length >>= 7;
        }

        destination[i++] = (byte)length;
        bytes.CopyTo(destination[i..]);
        _length += i + bytes.Length;
    }

    /// <summary>
    /// Gives room for <paramref name="count"/> bytes at the end of the buffer, to be filled by the caller and
    /// then committed with <see cref="Advance"/>.
    /// </summary>
    public Span<byte> GetSpan(int count)
    {
        if (_buffer.Length - _length < count)
        {
            Grow(count);
        }

        return _buffer.AsSpan(_length, count);
    }

    public void Advance(int count) => _length += count;

    /// <summary>
    /// Writes <paramref name="tag"/> and reserves the one-byte length of the content that follows; pass the result
    /// to <see cref="EndLengthDelimited"/>.
    /// </summary>
    public int BeginLengthDelimited(ReadOnlySpan<byte> tag)
    {
        WriteTag(tag);
        GetSpan(1);
        return _length++;
    }

    /// <summary>
    /// Writes the length of everything written since <see cref="BeginLengthDelimited"/> returned
    /// <paramref name="lengthAt"/>, moving that content right when its length needs more than one byte.
    /// </summary>
    public void EndLengthDelimited(int lengthAt)
    {
        int contentStart = lengthAt + 1;
        uint contentLength = (uint)(_length - contentStart);
        if (contentLength < 0x80)
        {
            _buffer[lengthAt] = (byte)contentLength;
            return;
        }

        int extra = VarintSize(contentLength) - 1;
        GetSpan(extra);
        _buffer.AsSpan(contentStart, (int)contentLength).CopyTo(_buffer.AsSpan(contentStart + extra));
        _length += extra;
        Span<byte> prefix = _buffer.AsSpan(lengthAt, extra + 1);
        int i = 0;
        while (contentLength >= 0x80)
        {
            prefix[i++] = (byte)(contentLength | 0x80);
            contentLength >>= 7;
        }

        prefix[i] = (byte)contentLength;
    }

    /// <summary>Drops a length-delimited field that turned out to be empty and that need not be written at all.</summary>
    public void Truncate(int length)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThan(length, _length);
        _length = length;
    }

    public void Dispose()
    {
        byte[] buffer = _buffer;
        if (buffer.Length == 0)
        {
            return;
        }

        _buffer = [];
        _length = 0;
        ArrayPool<byte>.Shared.Return(buffer);
    }

    /// <summary>The number of bytes of <paramref name="value"/> as a varint.</summary>
    public static int VarintSize(ulong value) => ((63 - BitOperations.LeadingZeroCount(value | 1)) / 7) + 1;

    private void Grow(int count)
    {
        byte[] old = Buffer;
        long wanted = Math.Max((long)old.Length * 2, (long)_length + count);
        if (wanted > Array.MaxLength)
        {
            wanted = (long)_length + count <= Array.MaxLength
                ? Array.MaxLength
                : throw new OtlpFormatException("the request is too large to decode");
        }

        byte[] larger = ArrayPool<byte>.Shared.Rent((int)wanted);
        old.AsSpan(0, _length).CopyTo(larger);
        _buffer = larger;
        ArrayPool<byte>.Shared.Return(old);
    }
}
