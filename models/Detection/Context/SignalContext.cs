namespace OtlpGrains.Models.Detection.Context;

/// <summary>
/// The contextual memory of one signal, in the spirit of the Contextual Anomaly Detector (CAD OSE). Values are cut
/// into bins whose width comes from the signal's warm-up range; a value's context is the run of bins before it, at
/// every length from 0 to <see cref="ContextOptions.MaxOrder"/>. The novelty of a value is
/// (1 − confirmed + fresh) / 2, where <i>confirmed</i> is the share of its seen contexts that have been followed by
/// its bin before, and <i>fresh</i> the share of context lengths whose pattern (context then bin) is new, counted
/// only when the shortest pattern (previous bin then this one) is itself new. A value in a never-seen bin scores 1;
/// a known move in a known rhythm scores 0; a known value reached in an unheard way scores in between. After an
/// alarm the signal rests: the onset of an incident is reported, not each window of it.
/// </summary>
[GenerateSerializer, Alias("otlpgrains.context.SignalContext")]
public sealed class SignalContext
{
    private const ulong Seed = 0x243F6A8885A308D3UL;
    private const ulong FollowedTag = 0x13198A2E03707344UL;
    private const long ContextTag = 0x299F31D0A4093822L;

    // Bin numbers are kept within int range however far a value leaves the warm-up range.
    private const double MaxBin = 1e9;

    [Id(0)] private readonly double[] _recent;
    [Id(1)] private int _recentCount;
    [Id(2)] private double _low;
    [Id(3)] private double _high;
    [Id(4)] private double _width;
    [Id(5)] private readonly int[] _history;
    [Id(6)] private int _historyCount;
    [Id(7)] private int _historyNext;
    [Id(8)] private ContextTable _table;
    [Id(9)] private int _restLeft;
    [Id(10)] private readonly int _bins;
    [Id(11)] private int _recentNext;
    [Id(12)] private readonly int _warmUp;

    public SignalContext(ContextOptions options)
    {
        _recent = new double[options.HistoryWindows];
        _history = new int[options.MaxOrder];
        _table = new ContextTable(options.TableCapacity);
        _bins = options.Bins;
        _warmUp = options.WarmUpWindows;
    }

    /// <summary>Whether the bins are set (the warm-up is over).</summary>
    public bool Ready => _width > 0;

    /// <summary>Contexts and patterns held in the table.</summary>
    public int ContextCount => _table.Count;

    /// <summary>
    /// The novelty of <paramref name="value"/> in [0, 1] after rest and direction (NaN while warming up or when the
    /// value is missing), then learns it. With <see cref="SignalDirection.Up"/> only a bin above the median of the
    /// recent ones can alarm.
    /// </summary>
    public double Observe(double value, SignalDirection direction, ContextOptions options)
    {
        if (!double.IsFinite(value))
        {
            return double.NaN;
        }

        Remember(value);
        if (!Ready)
        {
            if (_recentCount >= _warmUp)
            {
                Rebin();
            }

            return double.NaN;
        }

        int bin = BinOf(value);
        double novelty = Novelty(WithinReach(bin, value));
        bool counts = direction == SignalDirection.Both || RisesAboveRecent(bin);
        if (bin < 0 || bin >= _bins)
        {
            // Judged against the old range, the new extreme then joins it: the bins are recut and the recent values
            // relearned, so that what was normal stays normal at the new resolution.
            Rebin();
        }
        else
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

    private void Remember(double value)
    {
        _recent[_recentNext] = value;
        _recentNext = (_recentNext + 1) % _recent.Length;
        _recentCount = Math.Min(_recentCount + 1, _recent.Length);
    }

    // The range seen so far, in _bins bins, sets the bins; the recent values are then learned afresh, oldest first.
    private void Rebin()
    {
        int oldest = (_recentNext - _recentCount + _recent.Length) % _recent.Length;
        bool first = !Ready;
        for (int i = 0; i < _recentCount; i++)
        {
            double value = _recent[(oldest + i) % _recent.Length];
            _low = first && i == 0 ? value : Math.Min(_low, value);
            _high = first && i == 0 ? value : Math.Max(_high, value);
        }

        _width = (_high - _low) / _bins;
        if (!(_width > 0) || !double.IsFinite(_width))
        {
            // A flat range: any departure from its level is news, however small.
            _width = Math.Max(Math.Abs(_low), 1.0) * 1e-6;
        }

        _table = new ContextTable(_table.Capacity);
        _historyCount = 0;
        _historyNext = 0;
        for (int i = 0; i < _recentCount; i++)
        {
            Learn(BinOf(_recent[(oldest + i) % _recent.Length]));
        }
    }

    private int BinOf(double value)
    {
        double bin = Math.Floor((value - _low) / _width);
        if (value <= _high)
        {
            // The warm-up's maximum belongs to the top bin, not to one of its own.
            bin = Math.Min(bin, _bins - 1);
        }

        return (int)Math.Clamp(bin, -MaxBin, MaxBin);
    }

    // A value less than half a bin beyond the range is judged as one of the edge bin: the range grows by it, but a
    // hair past the highest value so far is not news.
    private int WithinReach(int bin, double value) =>
        bin == _bins && value - _high < _width / 2 ? _bins - 1
        : bin == -1 && _low - value < _width / 2 ? 0
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
