using System.Globalization;
using OtlpGrains.Interfaces;

namespace OtlpGrains.Grains.Traces;

/// <summary>
/// Gathers the spans of one trace as they arrive over any number of OTLP requests, pairs client and server spans
/// into service-graph edge calls, and builds the <see cref="TraceView"/> of a finished trace.
/// </summary>
/// <remarks>
/// Only the fields marked <see cref="IdAttribute"/> are state; the lookups are rebuilt from them on first use, so
/// a grain can checkpoint the assembler with the Orleans serializer. Not thread-safe (a grain is single-threaded).
/// </remarks>
[GenerateSerializer, Alias("otlpgrains.TraceAssembler")]
public sealed class TraceAssembler
{
    private const double NanosPerMs = 1_000_000d;

    [Id(0)]
    private readonly int _maxSpans;

    /// <summary>Distinct spans in arrival order; every index below points into it.</summary>
    [Id(1)]
    private readonly List<TraceSpan> _spans = [];

    [Id(2)]
    private long _cutSpans;

    /// <summary>Client span ids that already gave an edge call, so that none gives a second one.</summary>
    [Id(3)]
    private readonly HashSet<ulong> _drainedClients = [];

    // Derived from the state above: null after deserialization until EnsureLookups runs.
    [NonSerialized]
    private Dictionary<ulong, int>? _indexById;
    [NonSerialized]
    private Dictionary<ulong, int>? _serverByParent;
    [NonSerialized]
    private List<int>? _pendingClients;
    [NonSerialized]
    private bool _hasError;

    /// <summary>Creates an empty trace that holds at most <paramref name="maxSpans"/> distinct spans.</summary>
    public TraceAssembler(int maxSpans)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxSpans, 1);
        _maxSpans = maxSpans;
    }

    /// <summary>Distinct spans held.</summary>
    public int Count => _spans.Count;

    /// <summary>
    /// Spans refused because the trace was full. A refused span is not remembered, so a retried request counts
    /// its refused spans again.
    /// </summary>
    public long CutSpans => _cutSpans;

    /// <summary>Any span failed.</summary>
    public bool HasError
    {
        get
        {
            EnsureLookups();
            return _hasError;
        }
    }

    /// <summary>Spans whose parent id is set but whose parent is not (yet) here.</summary>
    public int Orphans
    {
        get
        {
            var byId = EnsureLookups();
            var orphans = 0;
            foreach (var span in _spans)
            {
                if (span.ParentSpanId != 0 && !byId.ContainsKey(span.ParentSpanId))
                {
                    orphans++;
                }
            }

            return orphans;
        }
    }

    /// <summary>
    /// The earliest-starting span without a parent; when there is none, the earliest-starting orphan; null when
    /// the trace has neither (no spans, or only a parent cycle).
    /// </summary>
    public TraceSpan? Root
    {
        get
        {
            var index = RootIndex();
            return index < 0 ? null : _spans[index];
        }
    }

    /// <summary>
    /// Adds spans; returns how many were new. A span id seen before is ignored so that a retried request does not
    /// double a span; new spans beyond the limit are cut and counted in <see cref="CutSpans"/>.
    /// </summary>
    public int Add(IReadOnlyList<TraceSpan> spans)
    {
        var byId = EnsureLookups();
        var added = 0;
        for (var i = 0; i < spans.Count; i++)
        {
            var span = spans[i];
            if (byId.ContainsKey(span.SpanId))
            {
                continue;
            }

            if (_spans.Count >= _maxSpans)
            {
                _cutSpans++;
                continue;
            }

            var index = _spans.Count;
            _spans.Add(span);
            byId.Add(span.SpanId, index);
            Index(span, index);
            added++;
        }

        return added;
    }

    /// <summary>
    /// Returns the edge calls not returned before, by the OpenTelemetry Collector servicegraph rule: a CLIENT or
    /// PRODUCER span pairs with the SERVER or CONSUMER span whose parent it is, and the call is credited to the
    /// client's service. When <paramref name="final"/> is true, unpaired client spans that name a peer become
    /// calls to a virtual node. Each client span gives at most one call, ever; one without a pair or peer stays
    /// eligible for a later server span.
    /// </summary>
    public IReadOnlyList<(string Client, EdgeCall Call)> DrainEdgeCalls(bool final)
    {
        EnsureLookups();
        var pending = _pendingClients!;
        var serverByParent = _serverByParent!;
        List<(string Client, EdgeCall Call)>? calls = null;
        var kept = 0;
        for (var i = 0; i < pending.Count; i++)
        {
            var client = _spans[pending[i]];
            var duration = Math.Max(0, client.EndUnixNano - client.StartUnixNano);
            if (serverByParent.TryGetValue(client.SpanId, out var serverIndex))
            {
                var server = _spans[serverIndex];
                var call = new EdgeCall(
                    server.Service, false, client.EndUnixNano, duration, client.IsError || server.IsError);
                (calls ??= []).Add((client.Service, call));
                _drainedClients.Add(client.SpanId);
            }
            else if (final && !string.IsNullOrEmpty(client.Peer))
            {
                var call = new EdgeCall(client.Peer, true, client.EndUnixNano, duration, client.IsError);
                (calls ??= []).Add((client.Service, call));
                _drainedClients.Add(client.SpanId);
            }
            else
            {
                pending[kept++] = pending[i];
            }
        }

        pending.RemoveRange(kept, pending.Count - kept);
        return calls is null ? [] : calls;
    }

    /// <summary>
    /// The span ids on the critical path of the trace, in the order of <see cref="ToView"/> (the root first).
    /// </summary>
    /// <remarks>
    /// The walk starts at <see cref="Root"/> with a cursor at the root's end. At each span it takes the children
    /// by descending end, each child's interval first clipped to the (clipped) interval of its parent, and skips
    /// children that are empty after clipping. A child whose clipped end is at or before the cursor is on the
    /// path: the walk descends into it the same way, then moves the parent's cursor back to the child's clipped
    /// start and goes on with the next child. A child ending after the cursor overlaps a child already on the
    /// path, so it is not what the parent waited for.
    /// </remarks>
    public IReadOnlyList<ulong> CriticalPath()
    {
        var forest = BuildForest();
        var onPath = MarkCriticalPath(forest);
        var path = new List<ulong>();
        foreach (var index in forest.Order)
        {
            if (onPath[index])
            {
                path.Add(_spans[index].SpanId);
            }
        }

        return path;
    }

    /// <summary>
    /// Per service, in ms, the time its spans did not spend in a child span: each span's duration minus the union
    /// of its children's intervals clipped to the span.
    /// </summary>
    public IReadOnlyDictionary<string, double> SelfTimeMs() => SelfTimeMs(BuildForest());

    /// <summary>The assembled trace as the query API shows it.</summary>
    public TraceView ToView(string traceId, string keptBecause)
    {
        var forest = BuildForest();
        var onPath = MarkCriticalPath(forest);
        var views = new TraceSpanView[forest.Order.Length];
        var path = new List<string>();
        for (var k = 0; k < forest.Order.Length; k++)
        {
            var index = forest.Order[k];
            var span = _spans[index];
            var id = Hex(span.SpanId);
            views[k] = new TraceSpanView(
                id,
                span.ParentSpanId == 0 ? null : Hex(span.ParentSpanId),
                span.Service,
                span.Name,
                KindName(span.Kind),
                ToTime(span.StartUnixNano),
                ToTime(span.EndUnixNano),
                Duration(span) / NanosPerMs,
                StatusName(span.StatusCode));
            if (onPath[index])
            {
                path.Add(id);
            }
        }

        return new TraceView(traceId, views, [.. path], SelfTimeMs(forest), Orphans, _cutSpans, keptBecause);
    }

    private static long Duration(TraceSpan span) => Math.Max(0, span.EndUnixNano - span.StartUnixNano);

    private static string Hex(ulong id) => id.ToString("x16", CultureInfo.InvariantCulture);

    private static DateTimeOffset ToTime(long unixNanos) => DateTimeOffset.UnixEpoch.AddTicks(unixNanos / 100);

    private static string KindName(SpanKindCode kind) => kind switch
    {
        SpanKindCode.Internal => "INTERNAL",
        SpanKindCode.Server => "SERVER",
        SpanKindCode.Client => "CLIENT",
        SpanKindCode.Producer => "PRODUCER",
        SpanKindCode.Consumer => "CONSUMER",
        _ => "UNSPECIFIED",
    };

    private static string StatusName(byte statusCode) => statusCode switch
    {
        1 => "OK",
        2 => "ERROR",
        _ => "UNSET",
    };

    private Dictionary<ulong, int> EnsureLookups()
    {
        if (_indexById is not null)
        {
            return _indexById;
        }

        _indexById = new Dictionary<ulong, int>(_spans.Count);
        _serverByParent = [];
        _pendingClients = [];
        _hasError = false;
        for (var i = 0; i < _spans.Count; i++)
        {
            _indexById.Add(_spans[i].SpanId, i);
            Index(_spans[i], i);
        }

        return _indexById;
    }

    private void Index(TraceSpan span, int index)
    {
        _hasError |= span.IsError;
        switch (span.Kind)
        {
            // The first server span to arrive under a client span is its pair; a second one is unusual and ignored.
            case SpanKindCode.Server or SpanKindCode.Consumer when span.ParentSpanId != 0:
                _serverByParent!.TryAdd(span.ParentSpanId, index);
                break;
            case SpanKindCode.Client or SpanKindCode.Producer when !_drainedClients.Contains(span.SpanId):
                _pendingClients!.Add(index);
                break;
        }
    }

    private int RootIndex()
    {
        var byId = EnsureLookups();
        int root = -1, orphan = -1;
        for (var i = 0; i < _spans.Count; i++)
        {
            var parent = _spans[i].ParentSpanId;
            if (parent == 0)
            {
                if (root < 0 || StartsBefore(i, root))
                {
                    root = i;
                }
            }
            else if (!byId.ContainsKey(parent) && (orphan < 0 || StartsBefore(i, orphan)))
            {
                orphan = i;
            }
        }

        return root >= 0 ? root : orphan;
    }

    private bool StartsBefore(int a, int b) => new ByStart(_spans).Compare(a, b) < 0;

    /// <summary>
    /// Links spans to their parents. Spans without a parent here (roots, orphans) start trees; so does, for each
    /// parent cycle, its earliest span, so that bad ids cannot hide spans or loop the walks.
    /// </summary>
    private Forest BuildForest()
    {
        var byId = EnsureLookups();
        var n = _spans.Count;

        var byStart = new int[n];
        for (var i = 0; i < n; i++)
        {
            byStart[i] = i;
        }

        byStart.AsSpan().Sort(new ByStart(_spans));

        var parent = new int[n];
        var childStart = new int[n + 1];
        for (var i = 0; i < n; i++)
        {
            var parentId = _spans[i].ParentSpanId;
            parent[i] = parentId != 0 && byId.TryGetValue(parentId, out var p) ? p : -1;
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

        return new Forest(childStart, children, order);
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

    private bool[] MarkCriticalPath(Forest forest)
    {
        var n = _spans.Count;
        var onPath = new bool[n];
        var root = RootIndex();
        if (root < 0)
        {
            return onPath;
        }

        // Each span is entered at most once, so its children take a slice of one scratch array, stack-wise.
        var scratch = new int[forest.Children.Length];
        var frames = new PathFrame[n];
        var depth = 0;
        var scratchTop = 0;

        var rootSpan = _spans[root];
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
            var child = _spans[childIndex];
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
                var child = _spans[forest.Children[c]];
                if (Math.Max(child.StartUnixNano, clipStart) < Math.Min(child.EndUnixNano, clipEnd))
                {
                    scratch[scratchTop++] = forest.Children[c];
                }
            }

            scratch.AsSpan(first, scratchTop - first).Sort(new ByClippedEndDescending(_spans, clipEnd));
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

    private Dictionary<string, double> SelfTimeMs(Forest forest)
    {
        var nanos = new Dictionary<string, long>(StringComparer.Ordinal);
        for (var i = 0; i < _spans.Count; i++)
        {
            var span = _spans[i];
            var spanEnd = Math.Max(span.StartUnixNano, span.EndUnixNano);

            // Children come sorted by start, so their clipped intervals merge in one pass.
            long covered = 0, runStart = 0, runEnd = long.MinValue;
            for (var c = forest.ChildStart[i]; c < forest.ChildStart[i + 1]; c++)
            {
                var child = _spans[forest.Children[c]];
                var start = Math.Max(child.StartUnixNano, span.StartUnixNano);
                var end = Math.Min(child.EndUnixNano, spanEnd);
                if (end <= start || forest.Children[c] == i)
                {
                    continue;
                }

                if (start > runEnd)
                {
                    covered += runEnd == long.MinValue ? 0 : runEnd - runStart;
                    runStart = start;
                    runEnd = end;
                }
                else if (end > runEnd)
                {
                    runEnd = end;
                }
            }

            covered += runEnd == long.MinValue ? 0 : runEnd - runStart;
            nanos[span.Service] = nanos.GetValueOrDefault(span.Service) + (spanEnd - span.StartUnixNano - covered);
        }

        var ms = new Dictionary<string, double>(nanos.Count, StringComparer.Ordinal);
        foreach (var (service, total) in nanos)
        {
            ms[service] = total / NanosPerMs;
        }

        return ms;
    }

    /// <summary>Children of span i are Children[ChildStart[i]..ChildStart[i + 1]], by start; Order is pre-order.</summary>
    private readonly record struct Forest(int[] ChildStart, int[] Children, int[] Order);

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

    /// <summary>Orders span indexes by start, then span id, so that ties do not depend on arrival order.</summary>
    private readonly struct ByStart(List<TraceSpan> spans) : IComparer<int>
    {
        public int Compare(int x, int y)
        {
            var a = spans[x];
            var b = spans[y];
            var byStart = a.StartUnixNano.CompareTo(b.StartUnixNano);
            return byStart != 0 ? byStart : a.SpanId.CompareTo(b.SpanId);
        }
    }

    /// <summary>
    /// Orders span indexes by end clipped to the parent's end, latest first; among equal ends the earlier start
    /// (the longer child) first, then span id.
    /// </summary>
    private readonly struct ByClippedEndDescending(List<TraceSpan> spans, long clipEnd) : IComparer<int>
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
