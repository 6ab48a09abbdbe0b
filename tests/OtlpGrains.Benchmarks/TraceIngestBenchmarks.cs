using BenchmarkDotNet.Attributes;
using Google.Protobuf;
using OpenTelemetry.Proto.Collector.Trace.V1;
using OtlpGrains.Gateway.Ingest;
using OtlpGrains.Gateway.Otlp;
using Oracle = OtlpGrains.Gateway.Oracle;

namespace OtlpGrains.Benchmarks;

/// <summary>
/// The gateway's per-request work before any grain call: body bytes to the plan of one batch per service and per
/// trace. Old: Google.Protobuf's message tree, then the splitter (kept as the readers' test oracle). New: the wire
/// reader, straight from the bytes. Every figure is per span (<see cref="TraceExportSample.SpanCount"/> per
/// invocation), so Mean is ns/span and Allocated is bytes/span.
/// </summary>
/// <remarks>
/// Run: <c>dotnet run -c Release --project tests/OtlpGrains.Benchmarks -- --filter '*TraceIngestBenchmarks*'</c>
/// (one launch, 3 warmup and 10 measured iterations: about two minutes on two cores; ShortRun's 3 iterations
/// left error bars of 20-40%).
/// </remarks>
[SimpleJob(launchCount: 1, warmupCount: 3, iterationCount: 10)]
[MemoryDiagnoser]
[BenchmarkCategory("traces")]
public class TraceIngestBenchmarks
{
    private const int Spans = TraceExportSample.SpanCount;

    // One batch id for every run: the readers only copy it into the batches.
    private static readonly Guid BatchId = new("0f9e8d7c-6b5a-4938-a271-605f4e3d2c1b");

    private byte[] _protobuf = [];
    private byte[] _json = [];
    private ExportTraceServiceRequest _parsed = new();

    [GlobalSetup]
    public void Setup()
    {
        var request = TraceExportSample.Create();
        _protobuf = request.ToByteArray();
        _json = OtlpJson.Format(request);
        _parsed = ExportTraceServiceRequest.Parser.ParseFrom(_protobuf);

        // A benchmark of the wrong input is worse than none: check the sample reads as designed, both ways.
        foreach (var plan in new[] { TraceRequestReader.Read(_protobuf, BatchId), Oracle.TraceRequestSplitter.Split(_parsed, BatchId) })
        {
            if (plan.Accepted != Spans || plan.Rejected != 0 ||
                plan.Services.Length != TraceExportSample.ServiceCount || plan.Traces.Length != TraceExportSample.TraceCount)
            {
                throw new InvalidOperationException(
                    $"sample read as {plan.Accepted} accepted, {plan.Rejected} rejected, {plan.Services.Length} services, {plan.Traces.Length} traces");
            }
        }

        Console.WriteLine($"// sample: {Spans} spans, protobuf {_protobuf.Length} B ({_protobuf.Length / Spans} B/span), JSON {_json.Length} B ({_json.Length / Spans} B/span)");
    }

    /// <summary>Old: Google.Protobuf's tree alone.</summary>
    [Benchmark(OperationsPerInvoke = Spans)]
    public int OldDecode() => ExportTraceServiceRequest.Parser.ParseFrom(_protobuf).ResourceSpans.Count;

    [Benchmark(OperationsPerInvoke = Spans, Baseline = true)]
    public int OldDecodeAndGroup() => Accepted(Oracle.TraceRequestSplitter.Split(ExportTraceServiceRequest.Parser.ParseFrom(_protobuf), BatchId));

    /// <summary>New: the wire reader, bytes to plan.</summary>
    [Benchmark(OperationsPerInvoke = Spans)]
    public int DecodeAndGroup() => Accepted(TraceRequestReader.Read(_protobuf, BatchId));

    /// <summary>The same with <c>OtlpGrains:Otlp:KeepSpanAttributes=false</c>: the spans' attributes are not copied.</summary>
    [Benchmark(OperationsPerInvoke = Spans)]
    public int DecodeAndGroupWithoutAttributes() => Accepted(TraceRequestReader.Read(_protobuf, BatchId, keepAttributes: false));

    /// <summary>OTLP/JSON as the HTTP receiver reads it (the same as OtlpJsonBenchmarks.TranscodeAndRead).</summary>
    [Benchmark(OperationsPerInvoke = Spans)]
    public int JsonDecodeAndGroup()
    {
        // What the HTTP receiver does with a JSON body: one pass to protobuf bytes, then the same reader.
        using var wire = new ProtobufWriter(_json.Length / 2);
        return Accepted(TraceRequestReader.Read(OtlpJson.ToProtobuf(_json, ExportTraceServiceRequest.Descriptor, wire), BatchId));
    }

    // Touches the whole plan so that none of it is dead code.
    private static int Accepted(TraceIngestPlan plan) => plan.Accepted + plan.Services.Length + plan.Traces.Length;
}
