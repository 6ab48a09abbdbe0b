namespace OtlpGrains.Models.Detection.Context;

/// <summary>
/// A signal's contexts at one resolution: its values cut into a number of bins across the range seen so far, the last
/// <see cref="ContextOptions.MaxOrder"/> bins, a table of contexts, and its rest after an alarm. The novelty of a value
/// is (1 − confirmed + fresh) / 2, where <i>confirmed</i> is the share of its seen contexts (the runs of 0 to
/// MaxOrder bins before it) that have been followed by its bin before, and <i>fresh</i> the share of context lengths
/// whose pattern (context then bin) is new, counted only when the shortest pattern (previous bin, then this one) is
/// itself new. A value in a never-seen bin scores 1; a known move in a known rhythm 0; a known value reached in an
/// unheard way in between.
/// </summary>
[GenerateSerializer, Alias("otlpgrains.context.BinnedContext")]
public sealed class BinnedContext
{
    private const ulong Seed = 0x243F6A8885A308D3UL;
    private const ulong FollowedTag = 0x13198A2E03707344UL;
    private const long ContextTag = 0x299F31D0A4093822L;

    // Bin numbers are kept within int range however far a value leaves the range.
    private const double MaxBin = 1e9;

    [Id(0)] private readonly int _bins;
    [Id(1)] private double _width;
    [Id(2)] private readonly int[] _history;
    [Id(3)] private int _historyCount;
    [Id(4)] private int _historyNext;
    [Id(5)] private ContextTable _table;
    [Id(6)] private int _restLeft;

    public BinnedContext(int bins, ContextOptions options)
    {
        _bins = bins;
        _history = new int[options.MaxOrder];
        _table = new ContextTable(options.TableCapacity);
    }

    /// <summary>Bins across the range seen so far.</summary>
    public int Bins => _bins;

    /// <summary>Contexts and patterns held in the table.</summary>
    public int ContextCount => _table.Count;

    /// <summary>
    /// The novelty of <paramref name="value"/> after rest and direction, against the bins of the range
    /// [<paramref name="low"/>, <paramref name="high"/>]; the value is learned when <paramref name="learn"/> (a value
    /// outside the range is not: the caller recuts the bins and relearns it with the recent values).
    /// </summary>
    public double Judge(double value, double low, double high, SignalDirection direction, bool learn, ContextOptions options)
    {
        int bin = BinOf(value, low, high);
        double novelty = Novelty(WithinReach(bin, value, low, high));
        bool counts = direction == SignalDirection.Both || RisesAboveRecent(bin);
        if (learn)
        {
            Learn(bin);
        }

        if (_restLeft > 0)
        {
            _restLeft--;
            return 0;
        }

        if (!counts)
        {
            return 0;
        }

        if (novelty >= options.AlarmNovelty)
        {
            _restLeft = options.RestWindows;
        }

        return novelty;
    }

    /// <summary>Cuts [<paramref name="low"/>, <paramref name="high"/>] into this resolution's bins and learns <paramref name="recent"/> (oldest first) afresh.</summary>
    public void Recut(double low, double high, ReadOnlySpan<double> recent)
    {
        _width = (high - low) / _bins;
        if (!(_width > 0) || !double.IsFinite(_width))
        {
            // A flat range: any departure from its level is news, however small.
            _width = Math.Max(Math.Abs(low), 1.0) * 1e-6;
        }

        _table = new ContextTable(_table.Capacity);
        _historyCount = 0;
        _historyNext = 0;
        foreach (double value in recent)
        {
            Learn(BinOf(value, low, high));
        }
    }

    private int BinOf(double value, double low, double high)
    {
        double bin = Math.Floor((value - low) / _width);
        if (value <= high)
        {
            // The range's maximum belongs to the top bin, not to one of its own.
            bin = Math.Min(bin, _bins - 1);
        }

        return (int)Math.Clamp(bin, -MaxBin, MaxBin);
    }

    // A value less than half a bin beyond the range is judged as one of the edge bin: the range grows by it, but a
    // hair past the highest value so far is not news.
    private int WithinReach(int bin, double value, double low, double high) =>
        bin == _bins && value - high < _width / 2 ? _bins - 1
        : bin == -1 && low - value < _width / 2 ? 0
        : bin;

    private double Novelty(int bin)
    {
        int orders = Math.Min(_history.Length, _historyCount) + 1;
        ulong context = Seed;
        int predicted = 0, confirmed = 0, fresh = 0;
        bool freshStep = false;
        for (int order = 0; order < orders; order++)
        {
            if (order > 0)
            {
                context = Mix(context, Previous(order));
            }

            bool followed = _table.CountOf(Mix(context ^ FollowedTag, bin)) > 0;
            if (_table.CountOf(Mix(context, ContextTag)) > 0)
            {
                predicted++;
                confirmed += followed ? 1 : 0;
            }

            if (!followed)
            {
                fresh++;
                // Order 0 is the bin alone; order 1 the step from the previous bin (or the bin, with no history).
                freshStep |= order == Math.Min(1, orders - 1);
            }
        }

        double confirmedShare = predicted > 0 ? (double)confirmed / predicted : 0;
        double freshShare = freshStep ? (double)fresh / orders : 0;
        return (1 - confirmedShare + freshShare) / 2;
    }

    private void Learn(int bin)
    {
        int orders = Math.Min(_history.Length, _historyCount) + 1;
        ulong context = Seed;
        for (int order = 0; order < orders; order++)
        {
            if (order > 0)
            {
                context = Mix(context, Previous(order));
            }

            _table.Add(Mix(context, ContextTag));
            _table.Add(Mix(context ^ FollowedTag, bin));
        }

        _history[_historyNext] = bin;
        _historyNext = (_historyNext + 1) % _history.Length;
        _historyCount = Math.Min(_historyCount + 1, _history.Length);
    }

    // The bin `back` windows ago (1 = the previous window).
    private int Previous(int back) => _history[(_historyNext - back + _history.Length) % _history.Length];

    private bool RisesAboveRecent(int bin)
    {
        if (_historyCount == 0)
        {
            return true;
        }

        Span<int> recent = stackalloc int[_historyCount];
        for (int i = 0; i < _historyCount; i++)
        {
            recent[i] = Previous(i + 1);
        }

        recent.Sort();
        return bin > recent[_historyCount / 2];
    }

    // SplitMix64's finaliser over the running hash and the next item: patterns that differ anywhere differ in all bits.
    private static ulong Mix(ulong hash, long item)
    {
        ulong z = hash ^ ((ulong)item + 0x9E3779B97F4A7C15UL + (hash << 6) + (hash >> 2));
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }
}
