using OpenTelemetry.Proto.Collector.Trace.V1;
using OpenTelemetry.Proto.Trace.V1;

namespace OtlpGrains.Evaluate.Replay;

/// <summary>Spans for one <see cref="ExportTraceServiceRequest"/>, their times moved by the replay's offset.</summary>
internal sealed class TraceBatch : SignalBatch<ResourceSpans>
{
    public void Add(ReplaySpan span, long offsetNanos)
    {
        ResourceSpans block = BlockOf(span.Service, span.Pod, () => new ResourceSpans
        {
            Resource = OtlpResources.Of(span.Service, span.Pod),
            ScopeSpans = { new ScopeSpans { Scope = OtlpResources.Scope } },
        });
        var otlp = new Span
        {
            TraceId = OtlpResources.Id(span.TraceId, 16, "trace id"),
            SpanId = OtlpResources.Id(span.SpanId, 8, "span id"),
            Name = span.Operation,
            Kind = span.Kind,
            StartTimeUnixNano = (ulong)(span.StartUnixNano + offsetNanos),
            EndTimeUnixNano = (ulong)(span.EndUnixNano + offsetNanos),
        };
        if (span.ParentId is not null)
        {
            otlp.ParentSpanId = OtlpResources.Id(span.ParentId, 8, "parent span id");
        }

        if (span.IsError)
        {
            otlp.Status = new Status { Code = Status.Types.StatusCode.Error, Message = "an ERROR log line names this span" };
        }

        block.ScopeSpans[0].Spans.Add(otlp);
        Counted(1);
    }

    public ExportTraceServiceRequest Build()
    {
        var request = new ExportTraceServiceRequest();
        request.ResourceSpans.AddRange(Blocks);
        return request;
    }
}
