using System.Security.Cryptography;
using Google.Protobuf;
using OpenTelemetry.Proto.Collector.Trace.V1;
using OpenTelemetry.Proto.Common.V1;
using OpenTelemetry.Proto.Resource.V1;
using OpenTelemetry.Proto.Trace.V1;

namespace OtlpGrains.Silo.Tests;

/// <summary>OTLP trace requests of one server span ending now, with fresh random ids, for tests about whole requests.</summary>
internal static class OneSpanRequests
{
    public static ExportTraceServiceRequest Request(string service, string name = "GET /") => new() { ResourceSpans = { Resource(service, name) } };

    public static ResourceSpans Resource(string service, string name = "GET /")
    {
        var now = (ulong)DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() * 1_000_000UL;
        return new ResourceSpans
        {
            Resource = new Resource { Attributes = { new KeyValue { Key = "service.name", Value = new AnyValue { StringValue = service } } } },
            ScopeSpans =
            {
                new ScopeSpans
                {
                    Spans =
                    {
                        new Span
                        {
                            TraceId = ByteString.CopyFrom(RandomNumberGenerator.GetBytes(16)),
                            SpanId = ByteString.CopyFrom(RandomNumberGenerator.GetBytes(8)),
                            Name = name,
                            Kind = Span.Types.SpanKind.Server,
                            StartTimeUnixNano = now - 1_000_000,
                            EndTimeUnixNano = now,
                        },
                    },
                },
            },
        };
    }
}
