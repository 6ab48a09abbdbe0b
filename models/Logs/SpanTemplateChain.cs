namespace OtlpGrains.Models.Logs;

/// <summary>
/// What each span has logged so far, so that a service's log lines become code paths: "template A, then template B in
/// the same span". Each span counts a template, and a transition, once however often it repeats (a loop's length
/// depends on the data, not on the code path), so the counts are of requests. A span's lines are written by one thread
/// in order, so the transitions follow the code whatever mix of requests the service serves. Two generations of at
/// most <see cref="GenerationSize"/> spans bound the memory: a span quiet for two generations starts afresh. They are
/// sized for a busy service whose spans come seconds after their lines (an SDK's batch span processor exports every
/// 5 s by default, its log processor every second): at 5,000 spans a second, 16,384 per generation still pairs a
/// span that ended 3 s after its lines. A quiet service's tables stay small, as they grow only with use. Not state:
/// a restart loses only the paths of the spans in flight.
/// </summary>
public sealed class SpanTemplateChain
{
    /// <summary>Spans remembered per generation.</summary>
    public const int GenerationSize = 16_384;

    // The lines of one span at most tracked; a longer span's later lines count no new paths.
    private const int MaxSeenPerSpan = 64;

    private Dictionary<ulong, SpanPath> _current = [];
    private Dictionary<ulong, SpanPath> _previous = [];

    // Operations of spans that ended before any of their lines came: a value, not a path, so that a span without lines
    // allocates nothing. Two generations, as the paths.
    private Dictionary<ulong, int> _pending = [];
    private Dictionary<ulong, int> _pendingBefore = [];

    /// <summary>
    /// Records that span <paramref name="spanId"/> logged <paramref name="template"/>. Returns the keys
    /// (<see cref="TemplateTransition"/>) this line counts for the first time in its span: the template's own start key
    /// (<see cref="TemplateTransition.Start"/>), and the transition from the span's previous line; -1 for none. A line
    /// without a span counts its start key and no transition.
    /// </summary>
    public (long Start, long Transition) Follow(ulong spanId, int template)
    {
        long start = TemplateTransition.Start(template);
        if (spanId == 0)
        {
            return (start, -1);
        }

        SpanPath path = PathOf(spanId);
        if (path.Operation == 0 && (_pending.Remove(spanId, out int operation) || _pendingBefore.Remove(spanId, out operation)))
        {
            path.Operation = operation;
        }

        // A span's first line follows its operation when the span ended first; later lines follow the line before.
        long transition = path.Last >= 0 ? TemplateTransition.Key(path.Last, template)
            : path.Operation != 0 ? TemplateTransition.Key(path.Operation, template)
            : -1;
        path.Last = template;
        if (path.First < 0)
        {
            path.First = template;
        }

        return (path.FirstTime(start) ? start : -1, transition != -1 && path.FirstTime(transition) ? transition : -1);
    }

    /// <summary>
    /// Records that span <paramref name="spanId"/> ended as an operation (<paramref name="operation"/>, a step below -1:
    /// <see cref="TemplateTransition.Operation"/>). Returns the operation's start key, counted for every span, and the
    /// transition from the operation to the span's first line when its lines came before it (-1 for none); when they
    /// come after it, <see cref="Follow"/> counts that transition with the first of them. Either order gives the same
    /// counts, as exporters batch spans and logs separately.
    /// </summary>
    public (long Start, long Transition) Close(ulong spanId, int operation)
    {
        long start = TemplateTransition.Start(operation);
        if (spanId == 0)
        {
            return (start, -1);
        }

        if (!_current.TryGetValue(spanId, out SpanPath? path) && !_previous.TryGetValue(spanId, out path))
        {
            if (_pending.Count >= GenerationSize && !_pending.ContainsKey(spanId))
            {
                (_pendingBefore, _pending) = (_pending, _pendingBefore);
                _pending.Clear();
            }

            _pending[spanId] = operation;
            return (start, -1);
        }

        if (path.Operation != 0)
        {
            return (-1, -1);
        }

        path.Operation = operation;
        long transition = path.First >= 0 ? TemplateTransition.Key(operation, path.First) : -1;
        return (start, transition != -1 && path.FirstTime(transition) ? transition : -1);
    }

    private SpanPath PathOf(ulong spanId)
    {
        if (_current.TryGetValue(spanId, out SpanPath? path))
        {
            return path;
        }

        if (!_previous.Remove(spanId, out path))
        {
            path = new SpanPath();
        }

        if (_current.Count >= GenerationSize)
        {
            (_previous, _current) = (_current, _previous);
            _current.Clear();
        }

        _current[spanId] = path;
        return path;
    }

    private sealed class SpanPath
    {
        private readonly List<long> _seen = [];

        public int Last { get; set; } = -1;

        public int First { get; set; } = -1;

        // The span's operation step once it ended (below -1); 0 before.
        public int Operation { get; set; }

        public bool FirstTime(long key)
        {
            if (_seen.Count >= MaxSeenPerSpan || _seen.Contains(key))
            {
                return false;
            }

            _seen.Add(key);
            return true;
        }
    }
}
