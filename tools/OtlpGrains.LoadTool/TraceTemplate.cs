using System.Buffers.Binary;
using Google.Protobuf;
using OpenTelemetry.Proto.Collector.Trace.V1;
using OpenTelemetry.Proto.Common.V1;
using OpenTelemetry.Proto.Resource.V1;
using OpenTelemetry.Proto.Trace.V1;

namespace OtlpGrains.LoadTool;

/// <summary>
/// One export request, encoded once. Each send copies the bytes and overwrites, in place, the trace id of every
/// trace and the start/end time of every span (16-byte and fixed64 fields, so the length never changes): the
/// sender spends a memcpy and a few random numbers per request instead of building and serializing messages.
/// </summary>
internal sealed class TraceTemplate
{
    private const ulong TimePlaceholderTag = 0xC0DE_0000_0000_0000UL;

    private static readonly byte[] TraceIdPlaceholderTag = [0xA7, 0x1D, 0x5E, 0xC4, 0x0F, 0xFE, 0xE0, 0x42];

    /// <summary>The 16-byte trace id offsets, by trace.</summary>
    private readonly int[][] _traceIdOffsets;

    /// <summary>Where each span's start and end time live, and how far after the trace's start they are.</summary>
    private readonly (int Offset, ulong AfterTraceStartNanos)[] _times;

    /// <summary>The longest trace, so that stamped traces end at the send time.</summary>
    private readonly ulong _traceSpanNanos;

    private TraceTemplate(byte[] encoded, int spanCount, int traceCount, long[] requestsPerService, int[][] traceIdOffsets, (int, ulong)[] times, ulong traceSpanNanos)
    {
        Encoded = encoded;
        SpanCount = spanCount;
        TraceCount = traceCount;
        RequestsPerService = requestsPerService;
        _traceIdOffsets = traceIdOffsets;
        _times = times;
        _traceSpanNanos = traceSpanNanos;
    }

    /// <summary>The encoded request with placeholder ids and times.</summary>
    public byte[] Encoded { get; }

    public int SpanCount { get; }

    public int TraceCount { get; }

    /// <summary>Spans that count as requests (SERVER, CONSUMER or root), by service index.</summary>
    public long[] RequestsPerService { get; }

    /// <summary>
    /// Builds a request of <paramref name="traceCount"/> traces numbered from <paramref name="firstTrace"/>; trace
    /// <c>g</c> starts in service <c>g mod services</c> and calls the next two, and every 50th trace fails. With a
    /// <paramref name="fault"/>, the faulty service's server spans are slow or failing as it says.
    /// </summary>
    public static TraceTemplate Build(LoadOptions options, int firstTrace, int traceCount, FaultPlan? fault = null)
    {
        var byService = new Dictionary<int, ScopeSpans>();
        var requestsPerService = new long[options.Services];
        var traceIdPlaceholders = new byte[traceCount][];
        var timePlaceholders = new List<(ulong Placeholder, ulong AfterTraceStartNanos)>();
        ulong traceSpanNanos = 0;
        int spanCount = 0;

        for (int t = 0; t < traceCount; t++)
        {
            int trace = firstTrace + t;
            byte[] traceId = TraceIdPlaceholder(t);
            traceIdPlaceholders[t] = traceId;
            // Spread latencies: trace g takes 1 to 10 times the base durations.
            ulong scale = 1 + (ulong)(trace % 10);
            bool failed = trace % 50 == 0;
            IReadOnlyList<ShapedSpan> shape = TraceShape.Spans(options.SpansPerTrace, trace, options.Services, failed, fault);
            traceSpanNanos = Math.Max(traceSpanNanos, shape.Max(span => span.EndMicros) * 1000 * scale);

            for (int s = 0; s < shape.Count; s++)
            {
                ShapedSpan shaped = shape[s];
                ulong startPlaceholder = TimePlaceholderTag | ((ulong)t << 24) | ((ulong)s << 1);
                ulong endPlaceholder = startPlaceholder | 1;
                timePlaceholders.Add((startPlaceholder, shaped.StartMicros * 1000 * scale));
                timePlaceholders.Add((endPlaceholder, shaped.EndMicros * 1000 * scale));

                var span = new Span
                {
                    TraceId = ByteString.CopyFrom(traceId),
                    SpanId = SpanId(t, s),
                    ParentSpanId = shaped.Parent < 0 ? ByteString.Empty : SpanId(t, shaped.Parent),
                    Name = shaped.Name,
                    Kind = shaped.Kind,
                    StartTimeUnixNano = startPlaceholder,
                    EndTimeUnixNano = endPlaceholder,
                    Status = new Status { Code = shaped.Error ? Status.Types.StatusCode.Error : Status.Types.StatusCode.Unset },
                };
                foreach ((string key, string value) in shaped.Attributes)
                {
                    span.Attributes.Add(new KeyValue { Key = key, Value = new AnyValue { StringValue = value } });
                }

                if (!byService.TryGetValue(shaped.Service, out ScopeSpans? scope))
                {
                    scope = new ScopeSpans { Scope = new InstrumentationScope { Name = "otlpgrains.loadtool" } };
                    byService.Add(shaped.Service, scope);
                }

                scope.Spans.Add(span);
                spanCount++;
                if (shaped.Kind is Span.Types.SpanKind.Server or Span.Types.SpanKind.Consumer || shaped.Parent < 0)
                {
                    requestsPerService[shaped.Service]++;
                }
            }
        }

        var request = new ExportTraceServiceRequest();
        foreach ((int service, ScopeSpans scope) in byService.OrderBy(pair => pair.Key))
        {
            var resource = new Resource();
            resource.Attributes.Add(new KeyValue { Key = "service.name", Value = new AnyValue { StringValue = options.ServiceName(service) } });
            request.ResourceSpans.Add(new ResourceSpans { Resource = resource, ScopeSpans = { scope } });
        }

        byte[] encoded = request.ToByteArray();
        int[][] traceIdOffsets = traceIdPlaceholders.Select(id => FindAll(encoded, id)).ToArray();
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

            times[i] = (found[0], timePlaceholders[i].AfterTraceStartNanos);
        }

        for (int t = 0; t < traceCount; t++)
        {
            int expected = TraceShape.Spans(options.SpansPerTrace, firstTrace + t, options.Services, failed: false).Count;
            if (traceIdOffsets[t].Length != expected)
            {
                throw new InvalidOperationException($"trace id placeholder found {traceIdOffsets[t].Length} times, expected {expected}");
            }
        }

        return new TraceTemplate(encoded, spanCount, traceCount, requestsPerService, traceIdOffsets, times, traceSpanNanos);
    }

    /// <summary>
    /// Writes the request into <paramref name="destination"/> (at least <see cref="Encoded"/> long) with fresh random
    /// trace ids and times that put the end of the longest trace at <paramref name="nowUnixNano"/>.
    /// </summary>
    public void Stamp(Span<byte> destination, Random random, ulong nowUnixNano)
    {
        Encoded.CopyTo(destination);
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

        ulong traceStart = nowUnixNano - _traceSpanNanos;
        foreach ((int offset, ulong after) in _times)
        {
            BinaryPrimitives.WriteUInt64LittleEndian(destination[offset..], traceStart + after);
        }
    }

    private static byte[] TraceIdPlaceholder(int trace)
    {
        var id = new byte[16];
        TraceIdPlaceholderTag.CopyTo(id, 0);
        BinaryPrimitives.WriteInt32LittleEndian(id.AsSpan(8), trace);
        TraceIdPlaceholderTag.AsSpan(0, 4).CopyTo(id.AsSpan(12));
        return id;
    }

    private static ByteString SpanId(int trace, int span)
    {
        Span<byte> id = stackalloc byte[8];
        BinaryPrimitives.WriteUInt64BigEndian(id, 0x5A00_0000_0000_0000UL | ((ulong)(uint)trace << 16) | (uint)(span + 1));
        return ByteString.CopyFrom(id);
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
