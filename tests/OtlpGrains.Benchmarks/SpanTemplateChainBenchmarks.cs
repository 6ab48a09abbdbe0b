using BenchmarkDotNet.Attributes;
using OtlpGrains.Models.Logs;

namespace OtlpGrains.Benchmarks;

/// <summary>
/// What code paths add to log and span ingest per item: <c>Lines</c> follows 4 lines in each of 100,000 spans through
/// one service's <see cref="SpanTemplateChain"/> (the steady state: spans come and go, the generations turn over);
/// <c>SpansAfterLines</c> adds each span's end after its lines (an SDK's usual order); <c>SpansWithoutLines</c> ends
/// spans that logged nothing (a service's calls out and quiet handlers). Mean is ns per item, Allocated bytes per item.
/// </summary>
/// <remarks>Run: <c>dotnet run -c Release --project tests/OtlpGrains.Benchmarks -- --filter '*SpanTemplateChainBenchmarks*'</c></remarks>
[SimpleJob(launchCount: 1, warmupCount: 3, iterationCount: 10)]
[MemoryDiagnoser]
[BenchmarkCategory("logs")]
public class SpanTemplateChainBenchmarks
{
    private const int Spans = 100_000;
    private const int LinesPerSpan = 4;
    private static readonly int Operation = TemplateTransition.Operation(3);

    private SpanTemplateChain _chain = new();
    private ulong _next = 1;

    [IterationSetup]
    public void Setup() => _chain = new SpanTemplateChain();

    [Benchmark(OperationsPerInvoke = Spans * LinesPerSpan)]
    public long Lines()
    {
        long sum = 0;
        for (int s = 0; s < Spans; s++, _next++)
        {
            for (int line = 0; line < LinesPerSpan; line++)
            {
                sum += _chain.Follow(_next, line + 1).Transition;
            }
        }

        return sum;
    }

    [Benchmark(OperationsPerInvoke = Spans * (LinesPerSpan + 1))]
    public long SpansAfterLines()
    {
        long sum = 0;
        for (int s = 0; s < Spans; s++, _next++)
        {
            for (int line = 0; line < LinesPerSpan; line++)
            {
                sum += _chain.Follow(_next, line + 1).Transition;
            }

            sum += _chain.Close(_next, Operation).Transition;
        }

        return sum;
    }

    [Benchmark(OperationsPerInvoke = Spans)]
    public long SpansWithoutLines()
    {
        long sum = 0;
        for (int s = 0; s < Spans; s++, _next++)
        {
            sum += _chain.Close(_next, Operation).Start;
        }

        return sum;
    }
}
