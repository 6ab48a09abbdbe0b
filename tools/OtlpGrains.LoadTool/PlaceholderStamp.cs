using System.Buffers.Binary;

namespace OtlpGrains.LoadTool;

/// <summary>
/// Where a template's placeholder trace ids (16 bytes) and times (fixed64) sit in its encoded bytes, and how to
/// overwrite them per send. Both have a fixed width on the wire, so the length never changes and a send costs a
/// memcpy plus a few random numbers instead of a serialization.
/// </summary>
internal sealed class PlaceholderStamp
{
    /// <summary>Top bits of every time placeholder; the low bits make each one unique in its template.</summary>
    public const ulong TimeTag = 0xC0DE_0000_0000_0000UL;

    private static readonly byte[] TraceIdTag = [0xA7, 0x1D, 0x5E, 0xC4, 0x0F, 0xFE, 0xE0, 0x42];

    /// <summary>The offsets of each trace id, by trace: every offset of a trace gets the same fresh id.</summary>
    private readonly int[][] _traceIdOffsets;

    /// <summary>Where each time lives, and how far after the start of the stamped interval it falls.</summary>
    private readonly (int Offset, ulong AfterStartNanos)[] _times;

    /// <summary>The interval the times cover, so that the last one lands on the send time.</summary>
    private readonly ulong _spanNanos;

    private PlaceholderStamp(int[][] traceIdOffsets, (int, ulong)[] times, ulong spanNanos)
    {
        _traceIdOffsets = traceIdOffsets;
        _times = times;
        _spanNanos = spanNanos;
    }

    /// <summary>A placeholder trace id that cannot occur by chance in an encoded request: a tag around the number.</summary>
    public static byte[] TraceIdPlaceholder(int trace)
    {
        var id = new byte[16];
        TraceIdTag.CopyTo(id, 0);
        BinaryPrimitives.WriteInt32LittleEndian(id.AsSpan(8), trace);
        TraceIdTag.AsSpan(0, 4).CopyTo(id.AsSpan(12));
        return id;
    }

    /// <summary>
    /// Finds the placeholders in <paramref name="encoded"/>. Trace <c>t</c> must occur exactly
    /// <c>expectedTraceIdCounts[t]</c> times and each time exactly once, or the template is wrong and this throws.
    /// </summary>
    public static PlaceholderStamp Locate(
        byte[] encoded,
        IReadOnlyList<byte[]> traceIdPlaceholders,
        IReadOnlyList<int> expectedTraceIdCounts,
        IReadOnlyList<(ulong Placeholder, ulong AfterStartNanos)> timePlaceholders,
        ulong spanNanos)
    {
        var traceIdOffsets = new int[traceIdPlaceholders.Count][];
        for (int t = 0; t < traceIdOffsets.Length; t++)
        {
            traceIdOffsets[t] = FindAll(encoded, traceIdPlaceholders[t]);
            if (traceIdOffsets[t].Length != expectedTraceIdCounts[t])
            {
                throw new InvalidOperationException(
                    $"trace id placeholder found {traceIdOffsets[t].Length} times, expected {expectedTraceIdCounts[t]}");
            }
        }

        var times = new (int, ulong)[timePlaceholders.Count];
        Span<byte> placeholderBytes = stackalloc byte[8];
        for (int i = 0; i < times.Length; i++)
        {
            BinaryPrimitives.WriteUInt64LittleEndian(placeholderBytes, timePlaceholders[i].Placeholder);
            int[] found = FindAll(encoded, placeholderBytes);
            if (found.Length != 1)
            {
                throw new InvalidOperationException($"time placeholder found {found.Length} times in the template");
            }

            times[i] = (found[0], timePlaceholders[i].AfterStartNanos);
        }

        return new PlaceholderStamp(traceIdOffsets, times, spanNanos);
    }

    /// <summary>Copies <paramref name="encoded"/> into <paramref name="destination"/> with fresh trace ids and times ending at <paramref name="nowUnixNano"/>.</summary>
    public void Stamp(ReadOnlySpan<byte> encoded, Span<byte> destination, Random random, ulong nowUnixNano)
    {
        encoded.CopyTo(destination);
        Span<byte> traceId = stackalloc byte[16];
        foreach (int[] offsets in _traceIdOffsets)
        {
            random.NextBytes(traceId);
            // All-zero is invalid; this bit costs nothing in uniqueness that matters here.
            traceId[0] |= 1;
            foreach (int offset in offsets)
            {
                traceId.CopyTo(destination[offset..]);
            }
        }

        ulong start = nowUnixNano - _spanNanos;
        foreach ((int offset, ulong after) in _times)
        {
            BinaryPrimitives.WriteUInt64LittleEndian(destination[offset..], start + after);
        }
    }

    private static int[] FindAll(ReadOnlySpan<byte> haystack, ReadOnlySpan<byte> needle)
    {
        var found = new List<int>();
        int start = 0;
        while (true)
        {
            int at = haystack[start..].IndexOf(needle);
            if (at < 0)
            {
                return [.. found];
            }

            found.Add(start + at);
            start += at + needle.Length;
        }
    }
}
