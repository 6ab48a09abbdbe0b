namespace OtlpGrains.Gateway.Tests;

/// <summary>Writes protobuf wire format by hand, for encodings Google.Protobuf never writes (unpacked, malformed).</summary>
internal static class Wire
{
    public static void Tag(List<byte> bytes, int field, int wireType) => Varint(bytes, ((ulong)field << 3) | (uint)wireType);

    public static void Varint(List<byte> bytes, ulong value)
    {
        while (value >= 0x80)
        {
            bytes.Add((byte)(value | 0x80));
            value >>= 7;
        }

        bytes.Add((byte)value);
    }

    public static void Fixed64(List<byte> bytes, ulong value) => bytes.AddRange(BitConverter.GetBytes(value));

    /// <summary>A length-delimited field holding the concatenated parts.</summary>
    public static byte[] Len(int field, params byte[][] parts)
    {
        var bytes = new List<byte>();
        Tag(bytes, field, 2);
        Varint(bytes, (ulong)parts.Sum(p => p.Length));
        foreach (var part in parts)
        {
            bytes.AddRange(part);
        }

        return [.. bytes];
    }

    public static byte[] Text(int field, string text) => Len(field, System.Text.Encoding.UTF8.GetBytes(text));

    public static byte[] Fixed64Field(int field, ulong value)
    {
        var bytes = new List<byte>();
        Tag(bytes, field, 1);
        Fixed64(bytes, value);
        return [.. bytes];
    }

    public static byte[] VarintField(int field, ulong value)
    {
        var bytes = new List<byte>();
        Tag(bytes, field, 0);
        Varint(bytes, value);
        return [.. bytes];
    }
}
