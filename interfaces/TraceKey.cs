using System.Buffers.Binary;

namespace OtlpGrains.Gateway.Ingest;

/// <summary>A 16-byte trace id as two integers, so grouping spans by trace allocates no string per span.</summary>
internal readonly record struct TraceKey(ulong High, ulong Low)
{
    public static TraceKey From(ReadOnlySpan<byte> id) =>
        new(BinaryPrimitives.ReadUInt64BigEndian(id), BinaryPrimitives.ReadUInt64BigEndian(id[8..]));

    public string ToHex()
    {
        Span<byte> bytes = stackalloc byte[16];
        BinaryPrimitives.WriteUInt64BigEndian(bytes, High);
        BinaryPrimitives.WriteUInt64BigEndian(bytes[8..], Low);
        return Convert.ToHexStringLower(bytes);
    }
}
