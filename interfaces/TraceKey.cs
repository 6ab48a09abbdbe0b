using System.Buffers.Binary;
using System.Globalization;

namespace OtlpGrains.Interfaces;

/// <summary>
/// A 16-byte trace id as two big-endian integers: spans are grouped, routed and held by it without a string per
/// trace; the 32-digit hex form (<see cref="ToString"/>) is made once, where a trace is named (kept, queried).
/// </summary>
[GenerateSerializer, Immutable, Alias("otlpgrains.TraceKey")]
public readonly record struct TraceKey([property: Id(0)] ulong High, [property: Id(1)] ulong Low)
{
    public static TraceKey From(ReadOnlySpan<byte> id) =>
        new(BinaryPrimitives.ReadUInt64BigEndian(id), BinaryPrimitives.ReadUInt64BigEndian(id[8..]));

    /// <summary>Reads a 32-digit hex id (either case).</summary>
    /// <exception cref="FormatException">Anything else.</exception>
    public static TraceKey Parse(string hex) =>
        TryParse(hex, out TraceKey key) ? key : throw new FormatException($"not a 32-digit hex trace id: '{hex}'");

    /// <summary>Reads a 32-digit hex id (either case); false for anything else.</summary>
    public static bool TryParse(string? hex, out TraceKey key)
    {
        key = default;
        if (hex is not { Length: 32 }
            || !ulong.TryParse(hex.AsSpan(0, 16), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out ulong high)
            || !ulong.TryParse(hex.AsSpan(16), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out ulong low))
        {
            return false;
        }

        key = new TraceKey(high, low);
        return true;
    }

    /// <summary>The 32 lowercase hex digits OTLP/JSON, W3C trace context and the query API use.</summary>
    public override string ToString()
    {
        Span<byte> bytes = stackalloc byte[16];
        BinaryPrimitives.WriteUInt64BigEndian(bytes, High);
        BinaryPrimitives.WriteUInt64BigEndian(bytes[8..], Low);
        return Convert.ToHexStringLower(bytes);
    }
}
