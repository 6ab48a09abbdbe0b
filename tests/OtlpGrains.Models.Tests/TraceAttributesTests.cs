using Google.Protobuf;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry.Proto.Common.V1;
using Orleans.Serialization;
using OtlpGrains.Interfaces;
using OtlpGrains.Models.Traces;
using Xunit;
using static OtlpGrains.TestSupport.TraceTestSpans;
using OtlpSpan = OpenTelemetry.Proto.Trace.V1.Span;

namespace OtlpGrains.Models.Tests;

/// <summary>A kept span's attributes: held encoded while the trace is pending, decoded into its view.</summary>
public sealed class TraceAttributesTests
{
    [Fact]
    public void EveryValueTypeDecodesToItsTypeAndText()
    {
        var span = new OtlpSpan
        {
            Attributes =
            {
                Attribute("http.request.method", new AnyValue { StringValue = "GET" }),
                Attribute("http.response.status_code", new AnyValue { IntValue = -404 }),
                Attribute("sampled", new AnyValue { BoolValue = true }),
                Attribute("ratio", new AnyValue { DoubleValue = 0.25 }),
                Attribute("blob", new AnyValue { BytesValue = ByteString.CopyFrom(1, 2, 3) }),
                Attribute("tags", new AnyValue { ArrayValue = new ArrayValue { Values = { new AnyValue { StringValue = "a" }, new AnyValue { IntValue = 2 } } } }),
                Attribute("map", new AnyValue
                {
                    KvlistValue = new KeyValueList
                    {
                        Values = { Attribute("k", new AnyValue { BoolValue = false }), Attribute("nested", new AnyValue { ArrayValue = new ArrayValue { Values = { new AnyValue { DoubleValue = 1.5 } } } }) },
                    },
                }),
            },
        };

        AttributeView[] attributes = AttributeDecoder.Decode(span.ToByteArray());

        Assert.Equal(
            [
                new AttributeView("http.request.method", "string", "GET"),
                new AttributeView("http.response.status_code", "int", "-404"),
                new AttributeView("sampled", "bool", "true"),
                new AttributeView("ratio", "double", "0.25"),
                new AttributeView("blob", "bytes", "AQID"),
                new AttributeView("tags", "array", "[\"a\",2]"),
                new AttributeView("map", "kvlist", "{\"k\":false,\"nested\":[1.5]}"),
            ],
            attributes);
    }

    [Fact]
    public void BrokenBytesCostTheRestOfTheSpansAttributesNotAnError()
    {
        byte[] whole = new OtlpSpan { Attributes = { Attribute("a", new AnyValue { StringValue = "1" }), Attribute("b", new AnyValue { StringValue = "2" }) } }.ToByteArray();

        for (int cut = 0; cut < whole.Length; cut++)
        {
            AttributeView[] attributes = AttributeDecoder.Decode(whole.AsSpan(0, cut));
            Assert.True(attributes.Length <= 1, $"cut at {cut}");
        }

        Assert.Equal(2, AttributeDecoder.Decode(whole).Length);
        Assert.Empty(AttributeDecoder.Decode([0xFF, 0xFF, 0xFF]));
    }

    [Fact]
    public void TheViewShowsEachSpansOwnAttributesAlsoAfterACheckpoint()
    {
        byte[] first = new OtlpSpan { Attributes = { Attribute("url.path", new AnyValue { StringValue = "/pay" }) } }.ToByteArray();
        byte[] third = new OtlpSpan { Attributes = { Attribute("db.system.name", new AnyValue { StringValue = "postgresql" }) } }.ToByteArray();
        var trace = new TraceAssembler(100);
        trace.Add(
            [Span(1, 0, "front", 0, 10), Span(2, 1, "front", 1, 5), Span(3, 1, "db", 2, 4)],
            new SpanAttributes([.. first, .. third], [first.Length, first.Length, first.Length + third.Length]));

        // A second request: a duplicate span keeps its first attributes; a span without any shows none.
        trace.Add([Span(1, 0, "front", 0, 10), Span(4, 1, "front", 6, 7)], new SpanAttributes([.. third], [third.Length, third.Length]));

        foreach (TraceAssembler assembler in new[] { trace, RoundTrip(trace) })
        {
            Dictionary<string, AttributeView[]> bySpan = assembler.ToView("t", "sampled").Spans.ToDictionary(s => s.SpanId, s => s.Attributes);
            Assert.Equal([new AttributeView("url.path", "string", "/pay")], bySpan["0000000000000001"]);
            Assert.Empty(bySpan["0000000000000002"]);
            Assert.Equal([new AttributeView("db.system.name", "string", "postgresql")], bySpan["0000000000000003"]);
            Assert.Empty(bySpan["0000000000000004"]);
        }
    }

    private static KeyValue Attribute(string key, AnyValue value) => new() { Key = key, Value = value };

    private static TraceAssembler RoundTrip(TraceAssembler trace)
    {
        using var services = new ServiceCollection().AddSerializer().BuildServiceProvider();
        var serializer = services.GetRequiredService<Serializer>();
        return serializer.Deserialize<TraceAssembler>(serializer.SerializeToArray(trace))!;
    }
}
