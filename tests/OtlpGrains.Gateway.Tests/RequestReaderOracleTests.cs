using System.Buffers;
using Google.Protobuf;
using OpenTelemetry.Proto.Collector.Logs.V1;
using OpenTelemetry.Proto.Collector.Metrics.V1;
using OpenTelemetry.Proto.Collector.Trace.V1;
using OtlpGrains.Gateway.Ingest;
using OtlpGrains.Gateway.Otlp;
using OtlpGrains.Interfaces;
using Xunit;
using Oracle = OtlpGrains.Gateway.Oracle;

namespace OtlpGrains.Gateway.Tests;

/// <summary>
/// The wire readers against the old path (Google.Protobuf's parser, then the splitters kept in <c>tests/OtlpGrains.Gateway.Oracle</c>):
/// the same plan, field by field, for random requests with unknown fields; the same refusals for every truncation
/// of a request and for malformed bytes; packed and unpacked repeated scalars alike.
/// </summary>
public sealed class RequestReaderOracleTests
{
    private const int Requests = 400;
    private const long Received = 1_750_000_000_000_000_000;
    private static readonly Guid BatchId = new("5b2e7c1a-0d3f-4e96-8a71-c4b5d6e7f809");

    [Fact]
    public void RandomTraceRequestsGiveTheOldPlans()
    {
        int accepted = 0, rejected = 0, errors = 0, peers = 0;
        for (int seed = 0; seed < Requests; seed++)
        {
            var bytes = new RandomRequests(seed).Traces().ToByteArray();
            var expected = Oracle.TraceRequestSplitter.Split(ExportTraceServiceRequest.Parser.ParseFrom(bytes), BatchId);
            var actual = TraceRequestReader.Read(bytes, BatchId);

            AssertSame(seed, PlanText.Of(expected), PlanText.Of(actual));
            accepted += actual.Accepted;
            rejected += actual.Rejected;
            errors += actual.Traces.Sum(t => t.Spans.Count(s => s.IsError));
            peers += actual.Traces.Sum(t => t.Spans.Count(s => s.Peer is not null));
        }

        // The generator must reach every branch it is meant to, or the comparison proves little.
        Assert.True(accepted > 500 && rejected > 100 && errors > 100 && peers > 20, $"{accepted} accepted, {rejected} rejected, {errors} errors, {peers} peers");
    }

    [Fact]
    public void RandomMetricRequestsGiveTheOldPlans()
    {
        var kinds = new HashSet<MetricKind>();
        int rejected = 0;
        for (int seed = 0; seed < Requests; seed++)
        {
            var bytes = new RandomRequests(seed).Metrics().ToByteArray();
            var expected = Oracle.MetricRequestSplitter.Split(ExportMetricsServiceRequest.Parser.ParseFrom(bytes), BatchId);
            var actual = MetricRequestReader.Read(bytes, BatchId);

            AssertSame(seed, PlanText.Of(expected), PlanText.Of(actual));
            kinds.UnionWith(actual.Services.SelectMany(s => s.Value.Points).Select(p => p.Kind));
            rejected += actual.Rejected;
        }

        Assert.Equal(5, kinds.Count);
        Assert.True(rejected > 10, $"{rejected} rejected");
    }

    [Fact]
    public void RandomLogRequestsGiveTheOldPlans()
    {
        int cut = 0, rejected = 0, errorTraces = 0;
        for (int seed = 0; seed < Requests; seed++)
        {
            var bytes = new RandomRequests(seed).Logs().ToByteArray();
            var expected = Oracle.LogRequestSplitter.Split(ExportLogsServiceRequest.Parser.ParseFrom(bytes), BatchId, Received);
            var actual = LogRequestReader.Read(bytes, BatchId, Received);

            AssertSame(seed, PlanText.Of(expected), PlanText.Of(actual));
            cut += actual.Cut;
            rejected += actual.Rejected;
            errorTraces += actual.ErrorTraces.Length;
        }

        Assert.True(cut > 50 && rejected > 50 && errorTraces > 50, $"{cut} cut, {rejected} rejected, {errorTraces} error traces");
    }

    [Fact]
    public void EveryTruncationIsRefusedOrReadAsBefore()
    {
        var traces = SmallRequest(seed => new RandomRequests(seed).Traces());
        var metrics = SmallRequest(seed => new RandomRequests(seed).Metrics());
        var logs = SmallRequest(seed => new RandomRequests(seed).Logs());
        int refused = 0;
        for (int length = 0; length < traces.Length; length++)
        {
            refused += Agree(traces[..length], b => PlanText.Of(Oracle.TraceRequestSplitter.Split(ExportTraceServiceRequest.Parser.ParseFrom(b), BatchId)), b => PlanText.Of(TraceRequestReader.Read(b, BatchId)));
        }

        for (int length = 0; length < metrics.Length; length++)
        {
            refused += Agree(metrics[..length], b => PlanText.Of(Oracle.MetricRequestSplitter.Split(ExportMetricsServiceRequest.Parser.ParseFrom(b), BatchId)), b => PlanText.Of(MetricRequestReader.Read(b, BatchId)));
        }

        for (int length = 0; length < logs.Length; length++)
        {
            refused += Agree(logs[..length], b => PlanText.Of(Oracle.LogRequestSplitter.Split(ExportLogsServiceRequest.Parser.ParseFrom(b), BatchId, Received)), b => PlanText.Of(LogRequestReader.Read(b, BatchId, Received)));
        }

        // Most cuts land inside a field; a few at a field boundary, which both read as a shorter request.
        Assert.True(refused > (traces.Length + metrics.Length + logs.Length) / 2, $"{refused} refused");
    }

    public static TheoryData<string, byte[]> MalformedRequests => new()
    {
        { "varint of eleven bytes", [0x0A, .. Enumerable.Repeat((byte)0xFF, 10), 0x01] },
        { "tag cut in its varint", [0x8A] },
        { "length past the end", [0x0A, 0x05, 0x12, 0x00] },
        { "negative length", [0x0A, 0xFF, 0xFF, 0xFF, 0xFF, 0x0F] },
        { "zero tag", [0x00] },
        { "field number zero", [0x02, 0x00] },
        { "wire type 6", [0x0E, 0x00] },
        { "wire type 7", [0x0F, 0x00] },
        { "end group without a start", [0x0C] },
        { "group ended by another field", [0x0B, 0x14] },
        { "group never ended", [0x0B, 0x10, 0x01] },
        { "fixed64 cut short", [0x09, 1, 2, 3] },
        { "fixed32 cut short", [0x0D, 1, 2] },
        { "bad varint in a span's kind", Spans([.. Wire.VarintField(5, 1)[..1], .. Enumerable.Repeat((byte)0xFF, 10), 0x01]) },
        { "span name past the end of the span", Spans([0x2A, 0x40, 0x41]) },
        { "end group inside a span", Spans([0x0C]) },
        { "wire type 7 inside a resource", [.. Wire.Len(1, Wire.Len(1, [0x0F, 0x00]))] },
        { "bad attribute inside a span", Spans(Wire.Len(9, [0x0A, 0x09, 0x61])) },
        { "invalid UTF-8 in a span name", Spans([.. SpanIds(), .. Wire.Len(5, [0x66, 0xFF, 0xC3, 0x28])]) },
        { "invalid UTF-8 in an event name (a field the reader skips)", Spans([.. SpanIds(), .. Wire.Len(11, Wire.Len(2, [0xC3]))]) },
        { "invalid UTF-8 in a scope name", [.. Wire.Len(1, Wire.Len(2, Wire.Len(1, Wire.Len(1, [0xE2, 0x82]))))] },
        { "invalid UTF-8 in an attribute value nobody reads", Spans([.. SpanIds(), .. Wire.Len(9, [.. Wire.Text(1, "url.path"), .. Wire.Len(2, Wire.Len(1, [0xFF]))])]) },
        { "a malformed link", Spans([.. SpanIds(), .. Wire.Len(13, [0x1A, 0x05])]) },
        { "arrays nested past the parser's limit", Spans([.. SpanIds(), .. Wire.Len(9, [.. Wire.Text(1, "deep"), .. Wire.Len(2, NestedArrays(60))])]) },
        { "groups nested past the parser's limit", [.. Enumerable.Repeat((byte)0x0B, 101), .. Enumerable.Repeat((byte)0x0C, 101)] },
    };

    [Theory]
    [MemberData(nameof(MalformedRequests))]
    public void MalformedBytesAreRefusedAsBefore(string what, byte[] body)
    {
        Assert.Throws<InvalidProtocolBufferException>(() => ExportTraceServiceRequest.Parser.ParseFrom(body));
        var refused = Assert.Throws<OtlpFormatException>(() => TraceRequestReader.Read(body, BatchId));
        Assert.DoesNotContain('\n', refused.Message);
        Assert.False(string.IsNullOrWhiteSpace(refused.Message), what);
    }

    public static TheoryData<string, byte[]> OddButValidRequests => new()
    {
        { "empty body", [] },
        { "a group of unknown fields", [0x0B, 0x10, 0x01, 0x1A, 0x00, 0x0C] },
        { "nested groups", [0x0B, 0x13, 0x14, 0x0C] },
        { "a span name sent as a varint (an unknown field)", Spans([.. SpanIds(), .. Wire.VarintField(5, 7)]) },
        { "a span id sent as fixed64 (an unknown field), so the span is refused", Spans([.. SpanIds(), .. Wire.Fixed64Field(2, 9)]) },
        { "two names: the last wins", Spans([.. SpanIds(), .. Wire.Text(5, "first"), .. Wire.Text(5, "second")]) },
        { "a status in two parts", Spans([.. SpanIds(), .. Wire.Len(15, Wire.VarintField(3, 2)), .. Wire.Len(15, Wire.Text(2, "m"))]) },
        { "a tag in a ten-byte varint", [0x8A, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x00, 0x00] },
        { "a resource after its spans, in two parts", ResourceAfterSpans() },
        { "invalid UTF-8 in a bytes field (not a string)", Spans([.. SpanIds(), .. Wire.Len(13, Wire.Len(1, [0xFF]))]) },
        { "arrays nested within the parser's limit", Spans([.. SpanIds(), .. Wire.Len(9, [.. Wire.Text(1, "deep"), .. Wire.Len(2, NestedArrays(45))])]) },
        { "groups nested within the parser's limit", [.. Enumerable.Repeat((byte)0x0B, 90), .. Enumerable.Repeat((byte)0x0C, 90)] },
    };

    [Theory]
    [MemberData(nameof(OddButValidRequests))]
    public void OddButValidBytesReadAsBefore(string what, byte[] body)
    {
        var expected = PlanText.Of(Oracle.TraceRequestSplitter.Split(ExportTraceServiceRequest.Parser.ParseFrom(body), BatchId));
        Assert.Equal(expected, PlanText.Of(TraceRequestReader.Read(body, BatchId)));
        Assert.False(string.IsNullOrEmpty(what));
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void PackedAndUnpackedBucketsReadAlike(bool packed)
    {
        // Google.Protobuf always writes packed; senders may write either, and a parser must take both.
        var histogramPoint = Concat(
            Wire.Fixed64Field(3, 1_700_000_000_000_000_000),
            Wire.Fixed64Field(4, 12),
            Wire.Fixed64Field(5, BitConverter.DoubleToUInt64Bits(34.5)),
            Repeated(6, packed, [3, 4, 5]),
            Repeated(7, packed, [BitConverter.DoubleToUInt64Bits(1.0), BitConverter.DoubleToUInt64Bits(10.0)]));
        var buckets = packed
            ? Concat(Wire.VarintField(1, 2), Wire.Len(2, [1, 0x96, 0x01, 3]))
            : Concat(Wire.VarintField(1, 2), Wire.VarintField(2, 1), Wire.VarintField(2, 150), Wire.VarintField(2, 3));
        var exponentialPoint = Concat(Wire.Fixed64Field(3, 5), Wire.Fixed64Field(4, 7), Wire.Len(8, buckets), Wire.Len(9, buckets));
        var body = Wire.Len(1, Wire.Len(2, Wire.Len(2,
            Concat(Wire.Text(1, "latency"), Wire.Len(9, Wire.Len(1, histogramPoint)))), Wire.Len(2,
            Concat(Wire.Text(1, "size"), Wire.Len(10, Wire.Len(1, exponentialPoint))))));

        var parsed = ExportMetricsServiceRequest.Parser.ParseFrom(body);
        Assert.Equal([3UL, 4UL, 5UL], parsed.ResourceMetrics[0].ScopeMetrics[0].Metrics[0].Histogram.DataPoints[0].BucketCounts);
        var plan = MetricRequestReader.Read(body, BatchId);

        Assert.Equal(PlanText.Of(Oracle.MetricRequestSplitter.Split(parsed, BatchId)), PlanText.Of(plan));
        var points = Assert.Single(plan.Services).Value.Points;
        Assert.Equal(new MetricPoint(0, MetricKind.Histogram, 1_700_000_000_000_000_000, 34.5, 12), points[0]);
        Assert.Equal(new MetricPoint(1, MetricKind.ExponentialHistogram, 5, 0, 7), points[1]);
    }

    [Theory]
    [InlineData(6)] // bucket counts
    [InlineData(7)] // explicit bounds
    public void APackedFieldWithANegativeLengthIsEmptyAsGoogleProtobufReadsIt(int field)
    {
        // Google.Protobuf reads a packed field's length and, when it is not positive, nothing more of it (an afl finding
        // of the otlp-metrics target): the histogram's count and sum that follow still count.
        byte[] negativeLength = [(byte)((field << 3) | 2), 0xFF, 0xFF, 0xFF, 0xFF, 0x0F];
        var histogramPoint = Concat(Wire.Fixed64Field(3, 1_700_000_000_000_000_000), negativeLength, Wire.Fixed64Field(4, 12), Wire.Fixed64Field(5, BitConverter.DoubleToUInt64Bits(34.5)));
        var body = Wire.Len(1, Wire.Len(2, Wire.Len(2, Concat(Wire.Text(1, "latency"), Wire.Len(9, Wire.Len(1, histogramPoint))))));

        var parsed = ExportMetricsServiceRequest.Parser.ParseFrom(body);
        var plan = MetricRequestReader.Read(body, BatchId);

        Assert.Equal(PlanText.Of(Oracle.MetricRequestSplitter.Split(parsed, BatchId)), PlanText.Of(plan));
        Assert.Equal(new MetricPoint(0, MetricKind.Histogram, 1_700_000_000_000_000_000, 34.5, 12), Assert.Single(Assert.Single(plan.Services).Value.Points));

        // Elsewhere a negative length is refused by both.
        byte[] inName = Wire.Len(1, Wire.Len(2, Wire.Len(2, [0x0A, 0xFF, 0xFF, 0xFF, 0xFF, 0x0F])));
        Assert.Throws<InvalidProtocolBufferException>(() => ExportMetricsServiceRequest.Parser.ParseFrom(inName));
        Assert.Throws<OtlpFormatException>(() => MetricRequestReader.Read(inName, BatchId));
    }

    [Fact]
    public void SegmentedBodiesReadAsOne()
    {
        var bytes = new RandomRequests(7).Traces().ToByteArray();
        var segmented = Segments(bytes, 5);
        Assert.False(segmented.IsSingleSegment);

        Assert.Equal(PlanText.Of(TraceRequestReader.Read(bytes)), PlanText.Of(TraceRequestReader.Read(segmented)));
    }

    [Fact]
    public void RepeatedNamesAreOneString()
    {
        var request = TraceRequests.Request("svc", TraceRequests.Span(1, 1, name: "checkout"), TraceRequests.Span(2, 2, name: "checkout"));

        var first = TraceRequestReader.Read(request.ToByteArray());
        var second = TraceRequestReader.Read(request.ToByteArray());

        var spans = first.Traces.Select(t => t.Spans[0]).ToArray();
        Assert.Same(spans[0].Name, spans[1].Name);
        Assert.Same(spans[0].Name, second.Traces[0].Spans[0].Name);
        Assert.Same(first.Services[0].Key, second.Services[0].Key);
    }

    [Fact]
    public void ALyingLengthPrefixAllocatesNothingLikeIt()
    {
        byte[] body = [0x0A, 0xFF, 0xFF, 0xFF, 0xFF, 0x07, 0x0A, 0x00];
        TraceRequestReader.Read([], BatchId); // warm up the thread's pools
        long before = GC.GetAllocatedBytesForCurrentThread();

        Assert.Throws<OtlpFormatException>(() => TraceRequestReader.Read(body, BatchId));

        Assert.True(GC.GetAllocatedBytesForCurrentThread() - before < 64 * 1024);
    }

    private static void AssertSame(int seed, string expected, string actual)
    {
        if (expected != actual)
        {
            Assert.Fail($"seed {seed}: the reader's plan differs from the old path's\n--- old\n{expected}\n--- reader\n{actual}");
        }
    }

    /// <summary>Both refuse (1), or both read the same plan (0).</summary>
    private static int Agree(byte[] body, Func<byte[], string> old, Func<byte[], string> reader)
    {
        string? expected = null;
        try
        {
            expected = old(body);
        }
        catch (InvalidProtocolBufferException)
        {
        }

        if (expected is null)
        {
            Assert.Throws<OtlpFormatException>(() => reader(body));
            return 1;
        }

        Assert.Equal(expected, reader(body));
        return 0;
    }

    private static byte[] SmallRequest(Func<int, IMessage> make)
    {
        for (int seed = 1000; ; seed++)
        {
            var bytes = make(seed).ToByteArray();
            if (bytes.Length is > 300 and < 1500)
            {
                return bytes;
            }
        }
    }

    /// <summary>An AnyValue holding arrays <paramref name="levels"/> deep (two messages per level).</summary>
    private static byte[] NestedArrays(int levels)
    {
        byte[] value = Wire.Text(1, "leaf");
        for (int i = 0; i < levels; i++)
        {
            value = Wire.Len(5, Wire.Len(1, value));
        }

        return value;
    }

    private static byte[] SpanIds() => Concat(Wire.Len(1, [.. new byte[15], 1]), Wire.Len(2, [.. new byte[7], 2]));

    private static byte[] Spans(byte[] span) =>
        Wire.Len(1, Wire.Len(1, Wire.Len(1, Wire.Text(1, "service.name"), Wire.Len(2, Wire.Text(1, "svc")))), Wire.Len(2, Wire.Len(2, span)));

    private static byte[] ResourceAfterSpans() => Wire.Len(1,
        Wire.Len(2, Wire.Len(2, [.. SpanIds(), .. Wire.Text(5, "op")])),
        Wire.Len(1, Wire.Len(1, Wire.Text(1, "service.name"), Wire.Len(2, Wire.Text(1, "late")))),
        Wire.Len(1, Wire.Len(1, Wire.Text(1, "service.namespace"), Wire.Len(2, Wire.Text(1, "ns")))));

    private static byte[] Repeated(int field, bool packed, ulong[] values)
    {
        if (packed)
        {
            return Wire.Len(field, [.. values.SelectMany(BitConverter.GetBytes)]);
        }

        return [.. values.SelectMany(v => Wire.Fixed64Field(field, v))];
    }

    private static byte[] Concat(params byte[][] parts) => [.. parts.SelectMany(p => p)];

    private static ReadOnlySequence<byte> Segments(byte[] bytes, int count)
    {
        int size = (bytes.Length + count - 1) / count;
        var first = new Segment(bytes.AsMemory(0, Math.Min(size, bytes.Length)), 0);
        var last = first;
        for (int offset = size; offset < bytes.Length; offset += size)
        {
            last = last.Append(bytes.AsMemory(offset, Math.Min(size, bytes.Length - offset)));
        }

        return new ReadOnlySequence<byte>(first, 0, last, last.Memory.Length);
    }

    private sealed class Segment : ReadOnlySequenceSegment<byte>
    {
        public Segment(ReadOnlyMemory<byte> memory, long runningIndex)
        {
            Memory = memory;
            RunningIndex = runningIndex;
        }

        public Segment Append(ReadOnlyMemory<byte> memory)
        {
            var next = new Segment(memory, RunningIndex + Memory.Length);
            Next = next;
            return next;
        }
    }
}
