using Google.Protobuf;
using OpenTelemetry.Proto.Collector.Trace.V1;
using OpenTelemetry.Proto.Common.V1;
using OpenTelemetry.Proto.Resource.V1;
using OpenTelemetry.Proto.Trace.V1;

namespace OtlpGrains.Gateway.Tests;

/// <summary>
/// Small trace requests built in code, with ids that are easy to read back: span id n is the big-endian integer n,
/// trace id n is <c>ab</c> followed by fourteen zero bytes and n.
/// </summary>
internal static class TraceRequests
{
    public const ulong Start = 1_700_000_000_000_000_000UL;

    public static ByteString TraceId(byte n)
    {
        var bytes = new byte[16];
        bytes[0] = 0xAB;
        bytes[15] = n;
        return ByteString.CopyFrom(bytes);
    }

    /// <summary>The trace grain key of <see cref="TraceId"/> n: 32 lowercase hex characters.</summary>
    public static string TraceKey(byte n) => "ab" + new string('0', 28) + n.ToString("x2", System.Globalization.CultureInfo.InvariantCulture);

    public static ByteString SpanId(byte n)
    {
        var bytes = new byte[8];
        bytes[7] = n;
        return ByteString.CopyFrom(bytes);
    }

    /// <summary>A span of trace <paramref name="trace"/>; <paramref name="parent"/> 0 makes it a root.</summary>
    public static Span Span(
        byte trace,
        byte id,
        byte parent = 0,
        Span.Types.SpanKind kind = OpenTelemetry.Proto.Trace.V1.Span.Types.SpanKind.Internal,
        string name = "op",
        ulong durationNanos = 1_000_000)
    {
        return new Span
        {
            TraceId = TraceId(trace),
            SpanId = SpanId(id),
            ParentSpanId = parent == 0 ? ByteString.Empty : SpanId(parent),
            Kind = kind,
            Name = name,
            StartTimeUnixNano = Start + id,
            EndTimeUnixNano = Start + id + durationNanos,
        };
    }

    public static Resource Service(string name, string? serviceNamespace = null)
    {
        var resource = new Resource { Attributes = { Attr("service.name", name) } };
        if (serviceNamespace is not null)
        {
            resource.Attributes.Add(Attr("service.namespace", serviceNamespace));
        }

        return resource;
    }

    /// <summary>One resource with one scope per span array.</summary>
    public static ResourceSpans Resource(Resource? resource, params Span[][] scopes)
    {
        var resourceSpans = new ResourceSpans { Resource = resource };
        foreach (var spans in scopes)
        {
            resourceSpans.ScopeSpans.Add(new ScopeSpans { Spans = { spans } });
        }

        return resourceSpans;
    }

    public static ExportTraceServiceRequest Request(params ResourceSpans[] resources) => new() { ResourceSpans = { resources } };

    /// <summary>One service, one scope, the given spans.</summary>
    public static ExportTraceServiceRequest Request(string service, params Span[] spans) =>
        Request(Resource(Service(service), spans));

    public static KeyValue Attr(string key, string value) => new() { Key = key, Value = new AnyValue { StringValue = value } };

    public static KeyValue Attr(string key, long value) => new() { Key = key, Value = new AnyValue { IntValue = value } };

    public static KeyValue Attr(string key, double value) => new() { Key = key, Value = new AnyValue { DoubleValue = value } };
}
