using System.Collections.Concurrent;
using Orleans.Serialization;

namespace OtlpGrains.Benchmarks.Rca;

/// <summary>
/// Counts grain calls by interface and method while <see cref="On"/>, with the bytes their results take through the
/// Orleans serializer (what they would cost between silos; calls within one silo are not serialized). Serializing
/// costs time, so it is on only while the benchmark's setup counts one round, never while it is timed. The results
/// are kept too, so that the setup can reuse exactly what a round returned.
/// </summary>
internal sealed class GrainCallMeter(Serializer serializer) : IOutgoingGrainCallFilter
{
    private readonly ConcurrentDictionary<string, (int Calls, long Bytes)> _calls = new(StringComparer.Ordinal);

    public bool On { get; set; }

    public IReadOnlyDictionary<string, (int Calls, long Bytes)> Calls => _calls;

    public ConcurrentQueue<object> Results { get; } = new();

    public void Reset()
    {
        _calls.Clear();
        Results.Clear();
    }

    public async Task Invoke(IOutgoingGrainCallContext context)
    {
        await context.Invoke();
        if (On)
        {
            long bytes = 0;
            if (context.Result is { } result)
            {
                bytes = serializer.SerializeToArray(result).Length;
                Results.Enqueue(result);
            }

            _calls.AddOrUpdate(
                $"{context.InterfaceName.Split('.')[^1]}.{context.MethodName}",
                (1, bytes),
                (_, seen) => (seen.Calls + 1, seen.Bytes + bytes));
        }
    }
}
