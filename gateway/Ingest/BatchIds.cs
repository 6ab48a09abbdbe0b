using System.Buffers;
using System.IO.Hashing;

namespace OtlpGrains.Gateway.Ingest;

/// <summary>
/// Names an export request by its content (128-bit xxHash of its bytes). A sender that retries resends the same
/// bytes, so the retry carries the same batch id and a grain that already took it can skip it: that is what makes
/// a retry after a partial failure count once.
/// </summary>
internal static class BatchIds
{
    public static Guid Of(ReadOnlySpan<byte> body) => ToGuid(XxHash128.HashToUInt128(body));

    public static Guid Of(ReadOnlySequence<byte> body)
    {
        if (body.IsSingleSegment)
        {
            return Of(body.FirstSpan);
        }

        var hash = new XxHash128();
        foreach (var segment in body)
        {
            hash.Append(segment.Span);
        }

        return ToGuid(hash.GetCurrentHashAsUInt128());
    }

    private static Guid ToGuid(UInt128 hash)
    {
        Span<byte> bytes = stackalloc byte[16];
        System.Buffers.Binary.BinaryPrimitives.WriteUInt128BigEndian(bytes, hash);
        return new Guid(bytes);
    }
}
