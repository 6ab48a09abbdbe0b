using System.Buffers.Binary;
using System.Text;

namespace OtlpGrains.Agent.Export;

/// <summary>
/// Writes the fields of an OTLP <c>Span</c> that follow its ids, as protobuf bytes, straight from the exchange's values:
/// no message objects, each string transcoded once. The caller writes fields in number order and sizes the buffer
/// (<see cref="Bound"/>); attributes with no value are left out, as the agent has always done.
/// </summary>
internal ref struct SpanWriter(Span<byte> buffer)
{
    private readonly Span<byte> _buffer = buffer;

    public int Position { get; private set; }

    /// <summary>A size no span body exceeds whose strings have this many UTF-16 chars in all and this many attributes.</summary>
    public static int Bound(int chars, int attributes) => 64 + (3 * chars) + (attributes * (64 + 24));

    /// <summary>Field 5, name.</summary>
    public void Name(string name) => Text(0x2A, name);

    /// <summary>Field 5, the name <c>{first} {second}</c>, written from its parts: no string is made for it.</summary>
    public void Name(string first, string second)
    {
        Byte(0x2A);
        Varint((ulong)(Encoding.UTF8.GetByteCount(first) + 1 + Encoding.UTF8.GetByteCount(second)));
        Utf8(first);
        Byte((byte)' ');
        Utf8(second);
    }

    /// <summary>Field 6, kind (left out when unspecified).</summary>
    public void Kind(int kind)
    {
        if (kind != 0)
        {
            Byte(0x30);
            Varint((ulong)kind);
        }
    }

    /// <summary>Fields 7 and 8, the start and end in Unix ns (each left out when 0).</summary>
    public void Times(ulong startUnixNs, ulong endUnixNs)
    {
        Fixed64(0x39, startUnixNs);
        Fixed64(0x41, endUnixNs);
    }

    /// <summary>Field 9, a string attribute; none when the value is null or empty.</summary>
    public void Attribute(ReadOnlySpan<byte> key, string? value)
    {
        if (string.IsNullOrEmpty(value))
        {
            return;
        }

        int length = Encoding.UTF8.GetByteCount(value);
        int anyValue = 1 + VarintSize((ulong)length) + length;            // AnyValue.string_value = 1
        int keyValue = Field(key.Length) + Field(anyValue);                // KeyValue.key = 1, value = 2
        Byte(0x4A);
        Varint((ulong)keyValue);
        Byte(0x0A);
        Varint((ulong)key.Length);
        Bytes(key);
        Byte(0x12);
        Varint((ulong)anyValue);
        Byte(0x0A);
        Varint((ulong)length);
        Utf8(value);
    }

    /// <summary>Field 9, an integer attribute.</summary>
    public void Attribute(ReadOnlySpan<byte> key, long value)
    {
        int anyValue = 1 + VarintSize((ulong)value);                       // AnyValue.int_value = 3
        Byte(0x4A);
        Varint((ulong)(Field(key.Length) + Field(anyValue)));
        Byte(0x0A);
        Varint((ulong)key.Length);
        Bytes(key);
        Byte(0x12);
        Varint((ulong)anyValue);
        Byte(0x18);
        Varint((ulong)value);
    }

    /// <summary>Field 15, an error status (code 2) with its message.</summary>
    public void ErrorStatus(string message)
    {
        int length = message.Length == 0 ? 0 : Encoding.UTF8.GetByteCount(message);
        int status = (length == 0 ? 0 : Field(length)) + 2;                // Status.message = 2, code = 3
        Byte(0x7A);
        Varint((ulong)status);
        if (length > 0)
        {
            Byte(0x12);
            Varint((ulong)length);
            Utf8(message);
        }

        Byte(0x18);
        Byte(2);
    }

    private void Text(byte tag, string value)
    {
        if (value.Length > 0)
        {
            Byte(tag);
            Varint((ulong)Encoding.UTF8.GetByteCount(value));
            Utf8(value);
        }
    }

    private void Utf8(string value) => Position += Encoding.UTF8.GetBytes(value, _buffer[Position..]);

    private void Fixed64(byte tag, ulong value)
    {
        if (value != 0)
        {
            Byte(tag);
            BinaryPrimitives.WriteUInt64LittleEndian(_buffer[Position..], value);
            Position += 8;
        }
    }

    private void Byte(byte value) => _buffer[Position++] = value;

    private void Bytes(ReadOnlySpan<byte> value)
    {
        value.CopyTo(_buffer[Position..]);
        Position += value.Length;
    }

    private void Varint(ulong value)
    {
        while (value >= 0x80)
        {
            _buffer[Position++] = (byte)(value | 0x80);
            value >>= 7;
        }

        _buffer[Position++] = (byte)value;
    }

    // A length-delimited field with a one-byte tag: tag, length, body.
    private static int Field(int length) => 1 + VarintSize((ulong)length) + length;

    private static int VarintSize(ulong value) => value == 0 ? 1 : (63 - (int)ulong.LeadingZeroCount(value) + 7) / 7;
}
