using Google.Protobuf;
using OpenTelemetry.Proto.Collector.Trace.V1;
using OpenTelemetry.Proto.Common.V1;
using OpenTelemetry.Proto.Trace.V1;
using OtlpGrains.Agent.Export;
using OtlpGrains.Agent.Processes;
using OtlpGrains.Agent.Protocols;
using Xunit;

namespace OtlpGrains.Agent.Tests;

/// <summary>The hand-assembled export request is the same message Google.Protobuf would encode from objects.</summary>
public sealed class TraceRequestWriterTests
{
    [Theory]
    [InlineData(1, 1)]
    [InlineData(3, 10)]
    [InlineData(5, 600)] // long enough for multi-byte length prefixes at every level
    public void BytesParseToTheRequestBuiltFromObjects(int processes, int spansPerProcess)
    {
        var batch = new List<(ProcessIdentity Process, AgentSpan Span)>();
        for (int s = 0; s < spansPerProcess; s++)
        {
            for (int p = 0; p < processes; p++)
            {
                var process = new ProcessIdentity(100 + p, $"svc-{p}", "svc", $"svc --id {p}", p == 0 ? "c0ffee" : null, null);
                AgentSpan span = SpanMapper.ToSpan(new ProtocolExchange
                {
                    Kind = ProtocolKind.Http1,
                    Role = ConnectionRole.Server,
                    RequestStartNs = s * 1000L,
                    ResponseEndNs = (s * 1000L) + 500,
                    Method = "GET",
                    Path = $"/items/{s}",
                    StatusCode = s % 7 == 0 ? 500 : 200,
                    IsError = s % 7 == 0,
                }, 1_700_000_000_000_000_000L, "10.0.0.1", 40000 + s);
                batch.Add((process, span));
            }
        }

        byte[] bytes = new TraceRequestWriter().Write(batch).ToArray();

        var expected = new ExportTraceServiceRequest();
        foreach (var group in batch.GroupBy(item => item.Process.Pid))
        {
            var scope = new ScopeSpans { Scope = new InstrumentationScope { Name = "otlpgrains-agent" } };
            scope.Spans.AddRange(group.Select(item => item.Span.ToProto()));
            var resourceSpans = new ResourceSpans { Resource = OtlpSpanExporter.ResourceOf(group.First().Process) };
            resourceSpans.ScopeSpans.Add(scope);
            expected.ResourceSpans.Add(resourceSpans);
        }

        Assert.Equal(expected, ExportTraceServiceRequest.Parser.ParseFrom(bytes));
        Assert.Equal(expected.ToByteArray(), bytes);
    }

    [Fact]
    public void AWriterReusedAcrossBatchesForgetsTheLastBatch()
    {
        var writer = new TraceRequestWriter();
        var a = new ProcessIdentity(1, "a", "a", "a", null, null);
        var b = new ProcessIdentity(2, "b", "b", "b", null, null);
        var span = AgentSpan.Of(new Span { Name = "x", TraceId = ByteString.CopyFrom([.. new byte[15], 1]), SpanId = ByteString.CopyFrom([.. new byte[7], 1]) });
        writer.Write([(a, span), (b, span), (a, span)]);

        var second = ExportTraceServiceRequest.Parser.ParseFrom(writer.Write([(b, span)]).ToArray());

        ResourceSpans only = Assert.Single(second.ResourceSpans);
        Assert.Equal("b", only.Resource.Attributes.Single(kv => kv.Key == "service.name").Value.StringValue);
        Assert.Single(Assert.Single(only.ScopeSpans).Spans);
    }

    [Fact]
    public void EveryResourceCarriesTheNodeIdAsHostId()
    {
        var process = new ProcessIdentity(7, "svc", "svc", "svc", null, null);
        AgentSpan span = SpanMapper.ToSpan(new ProtocolExchange { Kind = ProtocolKind.Http1, Role = ConnectionRole.Server, Method = "GET", Path = "/" }, 0);
        var request = ExportTraceServiceRequest.Parser.ParseFrom(new TraceRequestWriter { NodeId = "node-a" }.Write([(process, span)]));
        Assert.Equal("node-a", Assert.Single(request.ResourceSpans).Resource.Attributes.Single(a => a.Key == "host.id").Value.StringValue);
        Assert.DoesNotContain(OtlpSpanExporter.ResourceOf(process).Attributes, a => a.Key == "host.id");
    }
}
