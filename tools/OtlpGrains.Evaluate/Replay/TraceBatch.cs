using OpenTelemetry.Proto.Collector.Trace.V1;
using OpenTelemetry.Proto.Common.V1;
using OpenTelemetry.Proto.Trace.V1;
using OtlpGrains.Models.Simulation;

namespace OtlpGrains.Evaluate.Replay;

/// <summary>
/// Spans for one <see cref="ExportTraceServiceRequest"/>: replayed ones with their times moved by the replay's offset,
/// or simulated ones with their attributes and links.
/// </summary>
internal sealed class TraceBatch : SignalBatch<ResourceSpans>
{
    public void Add(ReplaySpan span, long offsetNanos)
    {
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

        Append(span.Service, span.Pod, otlp);
    }

    public void Add(SimulatedSpan span)
    {
        var otlp = new Span
        {
            TraceId = OtlpResources.Id(span.TraceId, 16, "trace id"),
            SpanId = OtlpResources.Id(span.SpanId, 8, "span id"),
            Name = span.Name,
            Kind = (Span.Types.SpanKind)span.Kind, // the simulator's kinds carry OTLP's numbers
            StartTimeUnixNano = (ulong)span.StartUnixNano,
            EndTimeUnixNano = (ulong)span.EndUnixNano,
        };
        if (span.ParentSpanId is not null)
        {
            otlp.ParentSpanId = OtlpResources.Id(span.ParentSpanId, 8, "parent span id");
        }

        if (span.IsError)
        {
            otlp.Status = new Status { Code = Status.Types.StatusCode.Error, Message = span.StatusMessage ?? "" };
        }

        foreach (SpanKeyValue attribute in span.Attributes)
        {
            otlp.Attributes.Add(new KeyValue
            {
                Key = attribute.Key,
                Value = attribute.Number is long number ? new AnyValue { IntValue = number } : new AnyValue { StringValue = attribute.Text ?? "" },
            });
        }

        if (span.LinkedSpanId is not null)
        {
            otlp.Links.Add(new Span.Types.Link { TraceId = otlp.TraceId, SpanId = OtlpResources.Id(span.LinkedSpanId, 8, "linked span id") });
        }

        Append(span.Service, span.Pod, otlp);
    }

    private void Append(string service, string pod, Span otlp)
    {
        ResourceSpans block = BlockOf(service, pod, () => new ResourceSpans
        {
            Resource = OtlpResources.Of(service, pod),
            ScopeSpans = { new ScopeSpans { Scope = OtlpResources.Scope } },
        });
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
