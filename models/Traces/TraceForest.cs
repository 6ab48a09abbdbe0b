using OtlpGrains.Interfaces;

namespace OtlpGrains.Models.Traces;

/// <summary>
/// The spans of a trace linked to their parents: children of span i are Children[ChildStart[i]..ChildStart[i + 1]],
/// sorted by start; Order is a depth-first pre-order over every span.
/// </summary>
internal readonly record struct TraceForest(int[] ChildStart, int[] Children, int[] Order)
{
    /// <summary>
    /// Links spans to their parents. Spans without a parent here (roots, orphans) start trees; so does, for each
    /// parent cycle, its earliest span, so that bad ids cannot hide spans or loop the walks.
    /// </summary>
    public static TraceForest Build(TraceSpanStore store)
    {
        var spans = store.Spans;
        var n = spans.Count;

        var byStart = new int[n];
        for (var i = 0; i < n; i++)
        {
            byStart[i] = i;
        }

        byStart.AsSpan().Sort(new SpanStartOrder(spans));

        var parent = new int[n];
        var childStart = new int[n + 1];
        for (var i = 0; i < n; i++)
        {
            var parentId = spans[i].ParentSpanId;
            parent[i] = parentId != 0 && store.TryGetIndex(parentId, out var p) ? p : -1;
            if (parent[i] >= 0)
            {
                childStart[parent[i] + 1]++;
            }
        }

        for (var i = 0; i < n; i++)
        {
            childStart[i + 1] += childStart[i];
        }

        // Filling in start order leaves every parent's children sorted by start.
        var children = new int[childStart[n]];
        var fill = childStart.AsSpan(0, n).ToArray();
        foreach (var i in byStart)
        {
            if (parent[i] >= 0)
            {
                children[fill[parent[i]]++] = i;
            }
        }

        var order = new int[n];
        var visited = new bool[n];
        var stack = new int[n];
        var written = 0;
        foreach (var i in byStart)
        {
            if (parent[i] < 0)
            {
                written = WalkDown(i, childStart, children, visited, stack, order, written);
            }
        }

        // Only spans in (or below) a parent cycle are left.
        foreach (var i in byStart)
        {
            if (!visited[i])
            {
                written = WalkDown(i, childStart, children, visited, stack, order, written);
            }
        }

        return new TraceForest(childStart, children, order);
    }

    /// <summary>Writes the not yet visited spans under <paramref name="top"/> in depth-first pre-order.</summary>
    private static int WalkDown(
        int top, int[] childStart, int[] children, bool[] visited, int[] stack, int[] order, int written)
    {
        var depth = 0;
        stack[depth++] = top;
        while (depth > 0)
        {
            var index = stack[--depth];
            if (visited[index])
            {
                continue;
            }

            visited[index] = true;
            order[written++] = index;

            // Pushed in reverse so that the earliest child comes out first.
            for (var c = childStart[index + 1] - 1; c >= childStart[index]; c--)
            {
                if (!visited[children[c]])
                {
                    stack[depth++] = children[c];
                }
            }
        }

        return written;
    }
}
