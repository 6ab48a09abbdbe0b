namespace OtlpGrains.Models.Logs;

/// <summary>
/// A service's usual code paths, learned from its log lines: for each template A, how many spans logged A and in how
/// many of them template B followed A (<see cref="SpanTemplateChain"/>). A range of windows is judged pair by pair: for
/// each transition A→B, the share of A's spans in which B followed A there against the learned share,
/// as a G-test on the 2×2 table (learned, observed) × (followed by B, not), so that a short history weighs less than a
/// long one. A changed code path inside a service (an early return, a thrown exception, a skipped step) shows as such
/// a shift whatever the mix of requests, because each share is conditional on A. Windows are learned with a weight
/// (the caller gives less to windows judged anomalous, so a fault does not become the norm while it lasts). A source
/// whose learned spans pass <see cref="MaxSourceSpans"/> has its counts halved, which keeps the model following slow
/// change; at most <see cref="MaxTransitions"/> transitions are kept.
/// </summary>
[GenerateSerializer, Alias("otlpgrains.logs.TemplatePatterns")]
public sealed class TemplatePatterns
{
    /// <summary>Spans with a template in the judged range before its transitions are judged.</summary>
    public const int MinRangeSpans = 5;

    /// <summary>Learned spans with a template before its transitions are judged.</summary>
    public const double MinLearnedSpans = 5;

    /// <summary>The smallest change of a share, in absolute terms, that counts as a shift.</summary>
    public const double MinShareChange = 0.25;

    /// <summary>Learned spans of one template beyond which its counts are halved.</summary>
    public const double MaxSourceSpans = 5000;

    /// <summary>Transitions kept.</summary>
    public const int MaxTransitions = 4096;

    [Id(0)] private readonly Dictionary<int, double> _spans = [];
    [Id(1)] private readonly Dictionary<long, double> _transitions = [];

    /// <summary>Learned spans with template <paramref name="id"/>.</summary>
    public double SpansOf(int id) => _spans.GetValueOrDefault(id);

    /// <summary>
    /// The transitions whose share shifted in a range (its transition and start keys, <see cref="TemplateTransition"/>,
    /// with their counts), strongest first; each with its G-test surprise in nats (half the G statistic: about -ln p).
    /// With <paramref name="learnedAlready"/> the range is taken to be learned already (an incident looked at after
    /// the fact): its counts are taken off the learned ones first (at most to zero), so that it is judged against what
    /// came before it.
    /// </summary>
    public List<PatternShift> Shifts(IReadOnlyDictionary<long, long> transitions, bool learnedAlready = false)
    {
        ArgumentNullException.ThrowIfNull(transitions);
        var spans = new Dictionary<int, long>();
        foreach ((long key, long count) in transitions)
        {
            if (TemplateTransition.IsStart(key))
            {
                spans[TemplateTransition.To(key)] = count;
            }
        }

        var shifts = new List<PatternShift>();
        var pairs = new HashSet<long>(transitions.Keys.Where(k => !TemplateTransition.IsStart(k)));
        foreach (long learned in _transitions.Keys)
        {
            if (spans.GetValueOrDefault(TemplateTransition.From(learned)) >= MinRangeSpans)
            {
                pairs.Add(learned);
            }
        }

        foreach (long pair in pairs)
        {
            int from = TemplateTransition.From(pair);

            // A template repeating in its span is a loop whose length follows the data, not a code path.
            if (from == TemplateTransition.To(pair))
            {
                continue;
            }

            long observedSpans = spans.GetValueOrDefault(from);
            double learnedSpans = _spans.GetValueOrDefault(from) - (learnedAlready ? observedSpans : 0);
            if (observedSpans < MinRangeSpans || learnedSpans < MinLearnedSpans)
            {
                continue;
            }

            // A span's successor line can land in the window after its predecessor's: a share is at most 1.
            double observed = Math.Min(transitions.GetValueOrDefault(pair), observedSpans);
            double usual = Math.Clamp(_transitions.GetValueOrDefault(pair) - (learnedAlready ? transitions.GetValueOrDefault(pair) : 0), 0, learnedSpans);
            double share = observed / observedSpans;
            double usualShare = usual / learnedSpans;
            if (Math.Abs(share - usualShare) < MinShareChange)
            {
                continue;
            }

            double surprise = GTest(usual, learnedSpans - usual, observed, observedSpans - observed) / 2;
            shifts.Add(new PatternShift(from, TemplateTransition.To(pair), (long)observed, observedSpans, usualShare, surprise));
        }

        shifts.Sort((a, b) => b.Surprise.CompareTo(a.Surprise));
        return shifts;
    }

    /// <summary>Learns a range's transition and start keys, each counted <paramref name="weight"/> times.</summary>
    public void Learn(IEnumerable<KeyValuePair<long, long>> transitions, double weight)
    {
        ArgumentNullException.ThrowIfNull(transitions);
        var starts = new List<KeyValuePair<long, long>>();
        foreach ((long pair, long count) in transitions)
        {
            if (TemplateTransition.IsStart(pair))
            {
                starts.Add(new(pair, count));
            }
            else if (_transitions.Count < MaxTransitions || _transitions.ContainsKey(pair))
            {
                _transitions[pair] = _transitions.GetValueOrDefault(pair) + (weight * count);
            }
        }

        foreach ((long start, long count) in starts)
        {
            int id = TemplateTransition.To(start);
            double learned = _spans[id] = _spans.GetValueOrDefault(id) + (weight * count);
            if (learned > MaxSourceSpans)
            {
                Halve(id);
            }
        }
    }

    private void Halve(int from)
    {
        _spans[from] /= 2;
        foreach (long pair in _transitions.Keys.Where(k => TemplateTransition.From(k) == from).ToArray())
        {
            _transitions[pair] /= 2;
        }
    }

    // G = 2 Σ O ln(O/E) over the 2×2 table [[a, b], [c, d]] (rows: learned, observed).
    private static double GTest(double a, double b, double c, double d)
    {
        double total = a + b + c + d;
        double row1 = a + b, row2 = c + d, col1 = a + c, col2 = b + d;
        return 2 * (Term(a, row1 * col1 / total) + Term(b, row1 * col2 / total) + Term(c, row2 * col1 / total) + Term(d, row2 * col2 / total));
    }

    private static double Term(double observed, double expected) => observed <= 0 || expected <= 0 ? 0 : observed * Math.Log(observed / expected);
}

/// <summary>
/// A transition whose share shifted: of <see cref="Lines"/> spans that logged template <see cref="From"/>, in
/// <see cref="Followed"/> template <see cref="To"/> followed it, where usually a share <see cref="UsualShare"/> did.
/// </summary>
[GenerateSerializer, Immutable, Alias("otlpgrains.logs.PatternShift")]
public sealed record PatternShift(
    [property: Id(0)] int From,
    [property: Id(1)] int To,
    [property: Id(2)] long Followed,
    [property: Id(3)] long Lines,
    [property: Id(4)] double UsualShare,
    [property: Id(5)] double Surprise)
{
    public double Share => Lines == 0 ? 0 : (double)Followed / Lines;
}
