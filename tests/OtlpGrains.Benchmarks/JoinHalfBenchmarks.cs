using BenchmarkDotNet.Attributes;
using Google.Protobuf;
using OpenTelemetry.Proto.Collector.Trace.V1;
using OpenTelemetry.Proto.Common.V1;
using OtlpGrains.Gateway.Ingest;
using SpanKind = OpenTelemetry.Proto.Trace.V1.Span.Types.SpanKind;

namespace OtlpGrains.Benchmarks;

/// <summary>
/// What the join costs the gateway before any grain call: the trace sample (<see cref="TraceExportSample"/>) as an SDK
/// sends it, which makes no join half, and the same spans as node agents send them, every CLIENT and SERVER span with
/// its connection's <c>network.*</c> attributes (and a NAT tuple on the clients), so that every client span and every
/// server root makes a half. Per span, as <see cref="TraceIngestBenchmarks"/>.
/// </summary>
/// <remarks>Run: <c>dotnet run -c Release --project tests/OtlpGrains.Benchmarks -- --filter '*JoinHalfBenchmarks*'</c>.</remarks>
[SimpleJob(launchCount: 1, warmupCount: 3, iterationCount: 10)]
[MemoryDiagnoser]
[BenchmarkCategory("traces")]
public class JoinHalfBenchmarks
{
    private const int Spans = TraceExportSample.SpanCount;
    private static readonly Guid BatchId = new("7a6b5c4d-3e2f-4a1b-8c9d-0e1f2a3b4c5d");

    private byte[] _sdk = [];
    private byte[] _agent = [];

    [GlobalSetup]
    public void Setup()
    {
        var request = TraceExportSample.Create();
        _sdk = request.ToByteArray();
        int port = 30000;
        foreach (var span in request.ResourceSpans.SelectMany(r => r.ScopeSpans).SelectMany(s => s.Spans).Where(s => s.Kind is SpanKind.Client or SpanKind.Server))
        {
            port++;
            bool client = span.Kind == SpanKind.Client;
            Add(span.Attributes, "network.local.address", client ? "10.244.1.7" : "10.244.2.9", client ? port : 8080);
            Add(span.Attributes, "network.peer.address", client ? "10.96.0.20" : "10.244.1.7", client ? 80 : port);
            if (client)
            {
                Add(span.Attributes, "otlpgrains.nat.local.address", "10.244.1.7", port);
                Add(span.Attributes, "otlpgrains.nat.peer.address", "10.244.2.9", 8080);
            }
        }

        _agent = request.ToByteArray();
        int halves = TraceRequestReader.Read(_agent, BatchId).Halves.Sum(h => h.Halves.Length);
        if (TraceRequestReader.Read(_sdk, BatchId).Halves.Length != 0 || halves == 0)
        {
            throw new InvalidOperationException($"the agent-shaped sample made {halves} halves");
        }

        Console.WriteLine($"// sample: {Spans} spans; SDK-shaped {_sdk.Length} B, agent-shaped {_agent.Length} B with {halves} join halves");
    }

    /// <summary>Spans without connection attributes: the attribute checks alone.</summary>
    [Benchmark(OperationsPerInvoke = Spans, Baseline = true)]
    public int SdkSpans() => Accepted(TraceRequestReader.Read(_sdk, BatchId));

    /// <summary>Agent spans: the connection read, keyed, and collected as halves grouped by join shard.</summary>
    [Benchmark(OperationsPerInvoke = Spans)]
    public int AgentSpans() => Accepted(TraceRequestReader.Read(_agent, BatchId));

    private static void Add(Google.Protobuf.Collections.RepeatedField<KeyValue> attributes, string address, string value, long port)
    {
        attributes.Add(new KeyValue { Key = address, Value = new AnyValue { StringValue = value } });
        attributes.Add(new KeyValue { Key = address[..^"address".Length] + "port", Value = new AnyValue { IntValue = port } });
    }

    private static int Accepted(TraceIngestPlan plan) => plan.Accepted + plan.Services.Length + plan.Traces.Length + plan.Halves.Length;
}
