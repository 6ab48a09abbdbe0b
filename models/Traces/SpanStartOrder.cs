using OtlpGrains.Interfaces;

namespace OtlpGrains.Models.Traces;

/// <summary>Orders span indexes by start, then span id, so that ties do not depend on arrival order.</summary>
internal readonly struct SpanStartOrder(IReadOnlyList<TraceSpan> spans) : IComparer<int>
{
    public int Compare(int x, int y)
    {
        var a = spans[x];
        var b = spans[y];
        var byStart = a.StartUnixNano.CompareTo(b.StartUnixNano);
        return byStart != 0 ? byStart : a.SpanId.CompareTo(b.SpanId);
    }
}
