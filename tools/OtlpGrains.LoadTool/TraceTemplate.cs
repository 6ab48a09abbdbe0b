using System.Buffers.Binary;
using Google.Protobuf;
using OpenTelemetry.Proto.Collector.Trace.V1;
using OpenTelemetry.Proto.Common.V1;
using OpenTelemetry.Proto.Resource.V1;
using OpenTelemetry.Proto.Trace.V1;

namespace OtlpGrains.LoadTool;

/// <summary>
/// One trace export request, encoded once; each send copies the bytes and overwrites the trace id of every trace and
/// the start/end time of every span in place, so that the end of the longest trace is the send time. Counts request
/// spans (SERVER, CONSUMER or root) per service.
/// </summary>
internal sealed class TraceTemplate : RequestTemplate
{
    private TraceTemplate(byte[] encoded, int spanCount, int traceCount, long[] requestsPerService, PlaceholderStamp stamp)
        : base(encoded, spanCount, requestsPerService, stamp)
    {
        TraceCount = traceCount;
    }

    public int TraceCount { get; }

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
            byte[] traceId = PlaceholderStamp.TraceIdPlaceholder(t);
            traceIdPlaceholders[t] = traceId;
            // Spread latencies: trace g takes 1 to 10 times the base durations.
            ulong scale = 1 + (ulong)(trace % 10);
            bool failed = trace % 50 == 0;
            IReadOnlyList<ShapedSpan> shape = TraceShape.Spans(options.SpansPerTrace, trace, options.Services, failed, fault);
            traceSpanNanos = Math.Max(traceSpanNanos, shape.Max(span => span.EndMicros) * 1000 * scale);

            for (int s = 0; s < shape.Count; s++)
            {
                ShapedSpan shaped = shape[s];
                ulong startPlaceholder = PlaceholderStamp.TimeTag | ((ulong)t << 24) | ((ulong)s << 1);
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

        int[] spansPerTrace = Enumerable.Range(firstTrace, traceCount)
            .Select(trace => TraceShape.Spans(options.SpansPerTrace, trace, options.Services, failed: false).Count)
            .ToArray();
        (byte[] encoded, PlaceholderStamp stamp) = PlaceholderStamp.Encode(request, options.Protocol, traceIdPlaceholders, spansPerTrace, timePlaceholders, traceSpanNanos);
        return new TraceTemplate(encoded, spanCount, traceCount, requestsPerService, stamp);
    }

    private static ByteString SpanId(int trace, int span)
    {
        Span<byte> id = stackalloc byte[8];
        BinaryPrimitives.WriteUInt64BigEndian(id, 0x5A00_0000_0000_0000UL | ((ulong)(uint)trace << 16) | (uint)(span + 1));
        return ByteString.CopyFrom(id);
    }
}
