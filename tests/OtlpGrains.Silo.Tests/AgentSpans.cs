using System.Security.Cryptography;
using Google.Protobuf;
using OpenTelemetry.Proto.Collector.Trace.V1;
using OpenTelemetry.Proto.Common.V1;
using OpenTelemetry.Proto.Resource.V1;
using OpenTelemetry.Proto.Trace.V1;

namespace OtlpGrains.Silo.Tests;

/// <summary>
/// OTLP requests shaped as a node agent sends them under the connection contract (proto/otlpgrains/agent/README.md):
/// one resource per traced process with its node's <c>host.id</c>, spans with the <c>network.*</c> attributes of their
/// connection and, on a client behind a Service's virtual IP, the <c>otlpgrains.nat.*</c> tuple as the server sees it.
/// </summary>
internal static class AgentSpans
{
    public static ExportTraceServiceRequest Request(string service, string node, params Span[] spans) => new()
    {
        ResourceSpans =
        {
            new ResourceSpans
            {
                Resource = new Resource { Attributes = { String("service.name", service), String("host.id", node) } },
                ScopeSpans = { new ScopeSpans { Scope = new InstrumentationScope { Name = "otlpgrains-agent" }, Spans = { spans } } },
            },
        },
    };

    public static ByteString NewTraceId() => ByteString.CopyFrom(RandomNumberGenerator.GetBytes(16));

    public static ByteString NewSpanId() => ByteString.CopyFrom(RandomNumberGenerator.GetBytes(8));

    public static ulong NowNanos() => (ulong)DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() * 1_000_000UL;

    /// <summary>A span of the agent's kind and times, in a trace of its own unless <paramref name="traceId"/> is given.</summary>
    public static Span Span(Span.Types.SpanKind kind, string name, ulong start, ulong end, ByteString? traceId = null, ByteString? parent = null) => new()
    {
        TraceId = traceId ?? NewTraceId(),
        SpanId = NewSpanId(),
        ParentSpanId = parent ?? ByteString.Empty,
        Name = name,
        Kind = kind,
        StartTimeUnixNano = start,
        EndTimeUnixNano = end,
    };

    /// <summary>The connection as this socket sees it.</summary>
    public static Span On(this Span span, string localAddress, int localPort, string peerAddress, int peerPort)
    {
        span.Attributes.Add(String("network.transport", "tcp"));
        span.Attributes.Add(String("network.type", "ipv4"));
        span.Attributes.Add(String("network.local.address", localAddress));
        span.Attributes.Add(Int("network.local.port", localPort));
        span.Attributes.Add(String("network.peer.address", peerAddress));
        span.Attributes.Add(Int("network.peer.port", peerPort));
        if (span.Kind == OpenTelemetry.Proto.Trace.V1.Span.Types.SpanKind.Client)
        {
            span.Attributes.Add(String("server.address", peerAddress));
            span.Attributes.Add(Int("server.port", peerPort));
        }

        return span;
    }

    /// <summary>
    /// Only the peer's address, as an SDK's client span names it: no half for the join (which would expire in another
    /// test's count), a virtual node named by the address.
    /// </summary>
    public static Span Calling(this Span span, string peerAddress)
    {
        span.Attributes.Add(String("server.address", peerAddress));
        span.Attributes.Add(String("network.peer.address", peerAddress));
        return span;
    }

    /// <summary>The tuple as the other end sees it, from conntrack, when the connection was translated.</summary>
    public static Span Translated(this Span span, string localAddress, int localPort, string peerAddress, int peerPort)
    {
        span.Attributes.Add(String("otlpgrains.nat.local.address", localAddress));
        span.Attributes.Add(Int("otlpgrains.nat.local.port", localPort));
        span.Attributes.Add(String("otlpgrains.nat.peer.address", peerAddress));
        span.Attributes.Add(Int("otlpgrains.nat.peer.port", peerPort));
        return span;
    }

    public static Span Failed(this Span span)
    {
        span.Attributes.Add(Int("http.response.status_code", 500));
        return span;
    }

    public static KeyValue String(string key, string value) => new() { Key = key, Value = new AnyValue { StringValue = value } };

    public static KeyValue Int(string key, long value) => new() { Key = key, Value = new AnyValue { IntValue = value } };
}
