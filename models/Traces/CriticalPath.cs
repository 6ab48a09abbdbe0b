using OtlpGrains.Interfaces;

namespace OtlpGrains.Models.Traces;

/// <summary>The critical path of a trace: the chain of spans, from the root down, that bounds its duration.</summary>
/// <remarks>
/// The walk starts at the root with a cursor at the root's end. At each span it takes the children by descending
/// end, each child's interval first clipped to the (clipped) interval of its parent, and skips children that are
/// empty after clipping. A child whose clipped end is at or before the cursor is on the path: the walk descends
/// into it the same way, then moves the parent's cursor back to the child's clipped start and goes on with the next
/// child. A child ending after the cursor overlaps a child already on the path, so it is not what the parent
/// waited for.
/// </remarks>
internal static class CriticalPath
{
    /// <summary>Marks, per span index, whether the span is on the critical path.</summary>
    public static bool[] Mark(TraceSpanStore store, TraceForest forest)
    {
        var spans = store.Spans;
        var n = spans.Count;
        var onPath = new bool[n];
        var root = store.RootIndex();
        if (root < 0)
        {
            return onPath;
        }

        // Each span is entered at most once, so its children take a slice of one scratch array, stack-wise.
        var scratch = new int[forest.Children.Length];
        var frames = new PathFrame[n];
        var depth = 0;
        var scratchTop = 0;

        var rootSpan = spans[root];
        var rootEnd = Math.Max(rootSpan.StartUnixNano, rootSpan.EndUnixNano);
        Enter(root, rootSpan.StartUnixNano, rootEnd);

        while (depth > 0)
        {
            ref var frame = ref frames[depth - 1];
            if (frame.Next == frame.End || frame.Cursor <= frame.ClipStart)
            {
                scratchTop = frame.First;
                depth--;
                continue;
            }

            var childIndex = scratch[frame.Next++];
            var child = spans[childIndex];
            var end = Math.Min(child.EndUnixNano, frame.ClipEnd);
            if (end > frame.Cursor)
            {
                continue;
            }

            var start = Math.Max(child.StartUnixNano, frame.ClipStart);
            frame.Cursor = start;
            Enter(childIndex, start, end);
        }

        return onPath;

        void Enter(int index, long clipStart, long clipEnd)
        {
            onPath[index] = true;
            var first = scratchTop;
            for (var c = forest.ChildStart[index]; c < forest.ChildStart[index + 1]; c++)
            {
                var child = spans[forest.Children[c]];
                if (Math.Max(child.StartUnixNano, clipStart) < Math.Min(child.EndUnixNano, clipEnd))
                {
                    scratch[scratchTop++] = forest.Children[c];
                }
            }

            scratch.AsSpan(first, scratchTop - first).Sort(new ByClippedEndDescending(spans, clipEnd));
            frames[depth++] = new PathFrame
            {
                ClipStart = clipStart,
                ClipEnd = clipEnd,
                Cursor = clipEnd,
                First = first,
                Next = first,
                End = scratchTop,
            };
        }
    }

    /// <summary>One span the critical-path walk is in: its clipped interval, cursor and slice of children.</summary>
    private struct PathFrame
    {
        public long ClipStart;
        public long ClipEnd;
        public long Cursor;
        public int First;
        public int Next;
        public int End;
    }

    /// <summary>
    /// Orders span indexes by end clipped to the parent's end, latest first; among equal ends the earlier start
    /// (the longer child) first, then span id.
    /// </summary>
    private readonly struct ByClippedEndDescending(IReadOnlyList<TraceSpan> spans, long clipEnd) : IComparer<int>
    {
        public int Compare(int x, int y)
        {
            var a = spans[x];
            var b = spans[y];
            var byEnd = Math.Min(b.EndUnixNano, clipEnd).CompareTo(Math.Min(a.EndUnixNano, clipEnd));
            if (byEnd != 0)
            {
                return byEnd;
            }

            var byStart = a.StartUnixNano.CompareTo(b.StartUnixNano);
            return byStart != 0 ? byStart : a.SpanId.CompareTo(b.SpanId);
        }
    }
}
