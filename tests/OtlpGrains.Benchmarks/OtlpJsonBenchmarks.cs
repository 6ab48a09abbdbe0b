using BenchmarkDotNet.Attributes;
using Google.Protobuf;
using OpenTelemetry.Proto.Collector.Trace.V1;
using OtlpGrains.Gateway.Ingest;
using OtlpGrains.Gateway.Otlp;

namespace OtlpGrains.Benchmarks;

/// <summary>
/// OTLP/JSON trace decoding before and after issue #11, per span of <see cref="TraceExportSample"/>: the old
/// rewrite-and-parse (<see cref="OtlpJsonBefore"/>), the one-pass transcoding to protobuf wire bytes alone, the
/// transcoding followed by today's protobuf parse, and that followed by the split into batches (what the HTTP
/// receiver does with a JSON body before any grain call). <see cref="TokenizeOnly"/> is the reader's own cost.
/// </summary>
/// <remarks>
/// Run: <c>dotnet run -c Release --project tests/OtlpGrains.Benchmarks -- --filter '*OtlpJsonBenchmarks*' --job short</c>.
/// </remarks>
[MemoryDiagnoser]
[BenchmarkCategory("json")]
public class OtlpJsonBenchmarks
{
    private const int Spans = TraceExportSample.SpanCount;

    private static readonly Guid BatchId = new("0f9e8d7c-6b5a-4938-a271-605f4e3d2c1b");

    private byte[] _json = [];

    [GlobalSetup]
    public void Setup()
    {
        var request = TraceExportSample.Create();
        byte[] protobuf = request.ToByteArray();
        _json = OtlpJson.Format(request);

        // A benchmark of the wrong input is worse than none: both decoders must give back the request.
        using var wire = new ProtobufWriter();
        if (!OtlpJson.ToProtobuf(_json, ExportTraceServiceRequest.Descriptor, wire).SequenceEqual(protobuf) ||
            !OtlpJsonBefore.Parse<ExportTraceServiceRequest>(_json).Equals(request))
        {
            throw new InvalidOperationException("a JSON decoder does not give back the sample request");
        }

        Console.WriteLine($"// sample: {Spans} spans, JSON {_json.Length} B ({_json.Length / Spans} B/span), protobuf {protobuf.Length} B");
    }

    [Benchmark(OperationsPerInvoke = Spans, Baseline = true)]
    public int DecodeBefore() => OtlpJsonBefore.Parse<ExportTraceServiceRequest>(_json).ResourceSpans.Count;

    [Benchmark(OperationsPerInvoke = Spans)]
    public int Transcode()
    {
        using var wire = new ProtobufWriter(_json.Length / 2);
        return OtlpJson.ToProtobuf(_json, ExportTraceServiceRequest.Descriptor, wire).Length;
    }

    /// <summary>The floor under any decoder built on <see cref="System.Text.Json.Utf8JsonReader"/>: reading the tokens and nothing else.</summary>
    [Benchmark(OperationsPerInvoke = Spans)]
    public int TokenizeOnly()
    {
        var reader = new System.Text.Json.Utf8JsonReader(_json);
        int n = 0;
        while (reader.Read())
        {
            n++;
        }

        return n;
    }

    [Benchmark(OperationsPerInvoke = Spans)]
    public int TranscodeAndParse()
    {
        using var wire = new ProtobufWriter(_json.Length / 2);
        return ExportTraceServiceRequest.Parser.ParseFrom(OtlpJson.ToProtobuf(_json, ExportTraceServiceRequest.Descriptor, wire)).ResourceSpans.Count;
    }

    /// <summary>What the HTTP receiver does with a JSON body: transcode, then the protobuf reader's decode-and-group.</summary>
    [Benchmark(OperationsPerInvoke = Spans)]
    public int TranscodeAndRead()
    {
        using var wire = new ProtobufWriter(_json.Length / 2);
        var plan = TraceRequestReader.Read(OtlpJson.ToProtobuf(_json, ExportTraceServiceRequest.Descriptor, wire), BatchId);
        return plan.Accepted + plan.Services.Length + plan.Traces.Length;
    }
}
