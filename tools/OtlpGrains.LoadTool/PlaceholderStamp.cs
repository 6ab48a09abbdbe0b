using System.Buffers.Binary;
using System.Buffers.Text;
using System.Globalization;
using System.Text;
using Google.Protobuf;

namespace OtlpGrains.LoadTool;

/// <summary>
/// Where a template's placeholder trace ids and times sit in its encoded bytes, and how to overwrite them per send.
/// Both have a fixed width on the wire (protobuf: 16 bytes and a fixed64; OTLP JSON: 32 hex digits and a 19-digit
/// decimal string), so the length never changes and a send costs a memcpy plus a few random numbers instead of a
/// serialization.
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

    /// <summary>The bytes are OTLP JSON: ids as hex text, times as decimal text.</summary>
    private readonly bool _json;

    /// <summary>JSON time tokens: 19 digits, like every Unix nanosecond time from 2001 to 2286.</summary>
    private const ulong FirstJsonTimeToken = 9_000_000_000_000_000_000UL;

    private const int JsonTimeDigits = 19;

    private PlaceholderStamp(int[][] traceIdOffsets, (int, ulong)[] times, ulong spanNanos, bool json)
    {
        _traceIdOffsets = traceIdOffsets;
        _times = times;
        _spanNanos = spanNanos;
        _json = json;
    }

    /// <summary>
    /// Encodes <paramref name="request"/> for <paramref name="protocol"/> and finds its placeholders (see
    /// <see cref="Locate"/>). JSON replaces each time placeholder with a unique 19-digit token first, because the
    /// placeholders themselves print with 20 digits and real times with 19.
    /// </summary>
    public static (byte[] Encoded, PlaceholderStamp Stamp) Encode(
        IMessage request,
        ExportProtocol protocol,
        IReadOnlyList<byte[]> traceIdPlaceholders,
        IReadOnlyList<int> expectedTraceIdCounts,
        IReadOnlyList<(ulong Placeholder, ulong AfterStartNanos)> timePlaceholders,
        ulong spanNanos)
    {
        if (protocol != ExportProtocol.HttpJson)
        {
            byte[] encoded = request.ToByteArray();
            return (encoded, Locate(encoded, traceIdPlaceholders, expectedTraceIdCounts, timePlaceholders, spanNanos));
        }

        var tokens = new Dictionary<ulong, string>(timePlaceholders.Count);
        for (int i = 0; i < timePlaceholders.Count; i++)
        {
            tokens.Add(timePlaceholders[i].Placeholder, (FirstJsonTimeToken + (ulong)i).ToString(CultureInfo.InvariantCulture));
        }

        byte[] json = OtlpJsonText.Format(request, number => tokens.GetValueOrDefault(number));
        var traceIdOffsets = new int[traceIdPlaceholders.Count][];
        for (int t = 0; t < traceIdOffsets.Length; t++)
        {
            traceIdOffsets[t] = Quoted(json, Convert.ToHexStringLower(traceIdPlaceholders[t]), expectedTraceIdCounts[t], "trace id");
        }

        var times = new (int, ulong)[timePlaceholders.Count];
        for (int i = 0; i < times.Length; i++)
        {
            times[i] = (Quoted(json, tokens[timePlaceholders[i].Placeholder], 1, "time")[0], timePlaceholders[i].AfterStartNanos);
        }

        return (json, new PlaceholderStamp(traceIdOffsets, times, spanNanos, json: true));
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
    private static PlaceholderStamp Locate(
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

        return new PlaceholderStamp(traceIdOffsets, times, spanNanos, json: false);
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
                if (_json)
                {
                    WriteHex(traceId, destination[offset..]);
                }
                else
                {
                    traceId.CopyTo(destination[offset..]);
                }
            }
        }

        ulong start = nowUnixNano - _spanNanos;
        foreach ((int offset, ulong after) in _times)
        {
            if (!_json)
            {
                BinaryPrimitives.WriteUInt64LittleEndian(destination[offset..], start + after);
            }
            else if (!Utf8Formatter.TryFormat(start + after, destination.Slice(offset, JsonTimeDigits), out int written) || written != JsonTimeDigits)
            {
                throw new InvalidOperationException($"time {start + after} does not have {JsonTimeDigits} digits");
            }
        }
    }

    private static void WriteHex(ReadOnlySpan<byte> bytes, Span<byte> destination)
    {
        for (int i = 0; i < bytes.Length; i++)
        {
            destination[2 * i] = (byte)"0123456789abcdef"[bytes[i] >> 4];
            destination[(2 * i) + 1] = (byte)"0123456789abcdef"[bytes[i] & 0xF];
        }
    }

    /// <summary>Offsets of the text inside each <c>"text"</c>; exactly <paramref name="expected"/> of them, or the template is wrong.</summary>
    private static int[] Quoted(byte[] json, string text, int expected, string what)
    {
        int[] found = FindAll(json, Encoding.ASCII.GetBytes($"\"{text}\""));
        if (found.Length != expected)
        {
            throw new InvalidOperationException($"{what} placeholder found {found.Length} times in the JSON template, expected {expected}");
        }

        return [.. found.Select(at => at + 1)];
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
