using System.Buffers.Binary;
using Google.Protobuf;
using OpenTelemetry.Proto.Collector.Trace.V1;
using OpenTelemetry.Proto.Trace.V1;
using OtlpGrains.Gateway.Ingest;
using OtlpGrains.Interfaces;

namespace OtlpGrains.Gateway.Oracle;

// The gateway's code before the protobuf wire reader (#11), on Google.Protobuf's message tree: kept as the oracle that
// the reader's plans are compared with, and extended only with the mesh-proxy rules of #14.
/// <summary>
/// Validates a trace export request and groups its spans by service and by trace, so that the gateway calls each
/// grain once per request however many spans it holds.
/// </summary>
internal static class TraceRequestSplitter
{
    public static TraceIngestPlan Split(ExportTraceServiceRequest request, Guid batchId, bool countProxyRequests = true)
    {
        var services = new Dictionary<string, ServiceSpanBuilder>(StringComparer.Ordinal);
        var traces = new Dictionary<TraceKey, List<TraceSpan>>();
        var attributes = new Dictionary<TraceKey, List<byte[]>>();
        int accepted = 0, rejected = 0;
        string? reason = null;

        foreach (var resourceSpans in request.ResourceSpans)
        {
            var resourceService = ServiceIdentity.Of(resourceSpans.Resource?.Attributes);
            var serviceNamespace = ServiceIdentity.NamespaceOf(resourceSpans.Resource?.Attributes);
            foreach (var scopeSpans in resourceSpans.ScopeSpans)
            {
                foreach (var span in scopeSpans.Spans)
                {
                    var problem = SpanValidator.Check(span);
                    if (problem is not null)
                    {
                        rejected++;
                        reason ??= problem;
                        continue;
                    }

                    var isError = SpanClassifier.Inspect(span, out var peer, out var meshProxy, out var meshService);
                    var role = SpanClassifier.RoleOf(span, isError);
                    if (meshProxy && !countProxyRequests)
                    {
                        role = SpanRole.None;
                    }

                    // A mesh proxy's span belongs to the workload it names, under the resource's namespace.
                    var service = meshService is null ? resourceService
                        : serviceNamespace is null ? meshService
                        : serviceNamespace + "/" + meshService;
                    if (!services.TryGetValue(service, out var builder))
                    {
                        builder = new ServiceSpanBuilder();
                        services.Add(service, builder);
                    }

                    var kind = KindOf(span.Kind);
                    var start = (long)span.StartTimeUnixNano;
                    var end = (long)span.EndTimeUnixNano;
                    ulong spanId = BinaryPrimitives.ReadUInt64BigEndian(span.SpanId.Span);
                    var key = TraceKey.From(span.TraceId.Span);
                    builder.Add(span.Name, spanId, end, Math.Max(0, end - start), kind, role, key);

                    if (!traces.TryGetValue(key, out var traceSpans))
                    {
                        traceSpans = [];
                        traces.Add(key, traceSpans);
                        attributes.Add(key, []);
                    }

                    attributes[key].Add(EncodedAttributes(span));

                    var parent = !SpanValidator.HasParent(span) ? 0 : BinaryPrimitives.ReadUInt64BigEndian(span.ParentSpanId.Span);
                    traceSpans.Add(new TraceSpan(
                        spanId,
                        parent,
                        service,
                        span.Name,
                        kind,
                        start,
                        end,
                        (byte)(span.Status?.Code ?? Status.Types.StatusCode.Unset),
                        isError,
                        peer));
                    accepted++;
                }
            }
        }

        var serviceBatches = new KeyValuePair<string, ServiceSpanBatch>[services.Count];
        var i = 0;
        foreach (var (name, builder) in services)
        {
            serviceBatches[i++] = new(name, builder.Build(batchId));
        }

        TraceSpanBatch[] traceBatches = [.. traces.Select(t => new TraceSpanBatch(t.Key, [.. t.Value]) { Attributes = Attributes(attributes[t.Key]) })];
        return new TraceIngestPlan(batchId, serviceBatches, traceBatches, accepted, rejected, reason);
    }

    // Each attribute as the span's field 9 on the wire, whole attributes while they fit the limit.
    private static byte[] EncodedAttributes(Span span)
    {
        var bytes = new List<byte>();
        foreach (var attribute in span.Attributes)
        {
            var field = new Span { Attributes = { attribute } }.ToByteArray();
            if (bytes.Count + field.Length <= SpanAttributes.MaxBytesPerSpan)
            {
                bytes.AddRange(field);
            }
        }

        return [.. bytes];
    }

    private static SpanAttributes? Attributes(List<byte[]> spans)
    {
        if (spans.All(s => s.Length == 0))
        {
            return null;
        }

        var ends = new int[spans.Count];
        for (int i = 0, end = 0; i < spans.Count; i++)
        {
            end += spans[i].Length;
            ends[i] = end;
        }

        return new SpanAttributes([.. spans.SelectMany(s => s)], ends);
    }

    private static SpanKindCode KindOf(Span.Types.SpanKind kind) =>
        kind is >= Span.Types.SpanKind.Unspecified and <= Span.Types.SpanKind.Consumer
            ? (SpanKindCode)kind
            : SpanKindCode.Unspecified;
}
