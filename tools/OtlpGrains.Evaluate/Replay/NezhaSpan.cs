namespace OtlpGrains.Evaluate.Replay;

/// <summary>One row of a Nezha trace file: ids as hex, times in Unix nanoseconds; <see cref="ParentId"/> is null for a root.</summary>
internal sealed record NezhaSpan(
    string TraceId, string SpanId, string? ParentId, string Pod, string Operation, long StartUnixNano, long EndUnixNano)
{
    public string Service { get; } = PodName.ServiceOf(Pod);
}
