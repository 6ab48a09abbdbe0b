namespace OtlpGrains.Models.Detection.Resonance;

/// <summary>
/// The resonance memory of one signal (in the spirit of ARTime; our own code). Every <see cref="ResonanceOptions.Step"/>
/// windows make a point; a point is placed in the range seen so far (when a point leaves it, the range grows and the
/// categories are mapped into the new one; only the NAB harness gives a range in advance), rounded to
/// <see cref="ResonanceOptions.Levels"/> levels (and snapped to the median of recent points when within
/// <see cref="ResonanceOptions.Chomp"/> of it). The last
/// <see cref="ResonanceOptions.Window"/> points, with their Haar transform (the shape, whatever its level), are the
/// input of <see cref="FuzzyCategories"/>. A point whose input starts a new cluster is novel, and alarms unless an
/// alarm or a new cluster came just before (then only a much worse match alarms). The two vigilances follow the
/// matches: the upper one their running mean, the lower one the weakest match of the last half-trend.
/// </summary>
[GenerateSerializer, Alias("otlpgrains.resonance.SignalResonance")]
public sealed class SignalResonance : INoveltySignal<ResonanceOptions>
{
    [Id(0)] private readonly double[] _block;
    [Id(1)] private int _blockCount;
    [Id(2)] private double _movingMean;
    [Id(3)] private readonly double[] _history;
    [Id(4)] private int _historyCount;
    [Id(5)] private int _historyNext;
    [Id(6)] private double _low;
    [Id(7)] private double _high;
    [Id(8)] private long _points;
    [Id(9)] private bool _ready;
    [Id(10)] private readonly FuzzyCategories _categories;
    [Id(11)] private double _lowerVigilance;
    [Id(12)] private double _upperVigilance;
    [Id(13)] private double _matchMean;
    [Id(14)] private long _matchCount;
    [Id(15)] private readonly double[] _recentMatches;
    [Id(16)] private readonly double[] _recentShortfalls;
    [Id(17)] private long _lastAlarm;
    [Id(18)] private double _lastAlarmMatch;
    [Id(19)] private long _lastVigilanceUpdate;
    [Id(20)] private bool _quietAfterCluster;
    [Id(21)] private long _sinceCluster;
    [Id(22)] private double _alarmMatchSum;
    [Id(23)] private long _alarmCount;
    [Id(24)] private double _lastAlarmMatchKept;

    public SignalResonance(ResonanceOptions options)
    {
        _block = new double[options.Step];
        _history = new double[options.HistoryPoints];
        _categories = new FuzzyCategories(2 * options.Window, options.MaxCategories);
        _recentMatches = new double[(options.WarmUpPoints / 2) + 1];
        _recentShortfalls = new double[options.WarmUpPoints + 1];
        Array.Fill(_recentMatches, 1.0);
    }

    /// <summary>Whether the warm-up is over (the vigilance is set).</summary>
    public bool Ready => _ready;

    /// <summary>Categories held.</summary>
    public int Categories => _categories.Count;

    /// <summary>
    /// The novelty of the point this value completes, in [0, 1] (0 between points; NaN while warming up or when the
    /// value is missing), then learns it. With <see cref="SignalDirection.Up"/> only a point above the median of recent
    /// points alarms (a latency that falls to a new low is good news).
    /// </summary>
    public double Observe(double value, SignalDirection direction, ResonanceOptions options)
    {
        if (!double.IsFinite(value))
        {
            return double.NaN;
        }

        _block[_blockCount++] = value;
        if (_blockCount < _block.Length)
        {
            return _ready ? 0 : double.NaN;
        }

        _blockCount = 0;
        double point = Point();
        Remember(options.RangeKnown ? Math.Clamp(point, options.KnownLow, options.KnownHigh) : point, options);
        _points++;
        if (!_ready)
        {
            if (_historyCount >= options.WarmUpPoints)
            {
                WarmUp(options);
            }

            return double.NaN;
        }

        // The median (a sort of the recent points) only when the snapping reads it.
        double median = options.Chomp > 0 ? Median() : double.NaN;
        Span<double> input = stackalloc double[2 * options.Window];
        Input(input, _historyCount - 1, median, options);
        double novelty = Detect(input, _points, options);
        return direction == SignalDirection.Up && novelty > 0 && !AboveMedian(point) ? 0 : novelty;
    }

    // ARTime's downsampling: the block's extreme on the side farther from the moving mean, unless it is within 10% of the block's mean.
    private double Point()
    {
        double sum = 0, min = double.PositiveInfinity, max = double.NegativeInfinity;
        foreach (double v in _block)
        {
            sum += v;
            min = Math.Min(min, v);
            max = Math.Max(max, v);
        }

        double mean = sum / _block.Length;
        _movingMean = _points == 0 ? mean : (_movingMean + mean) / 2;
        double point = Math.Abs(max - _movingMean) < Math.Abs(min - _movingMean) ? min : max;
        return Math.Abs(point - mean) < 0.1 * Math.Abs(mean) ? mean : point;
    }

    private void Remember(double point, ResonanceOptions options)
    {
        if (_points == 0)
        {
            (_low, _high) = options.RangeKnown ? (options.KnownLow, options.KnownHigh) : (point, point);
        }
        else if (point < _low || point > _high)
        {
            double low = Math.Min(_low, point), high = Math.Max(_high, point);
            if (_ready)
            {
                // The level features follow the shape's Haar coefficients in the input; only they depend on the range.
                _categories.Rescale(options.Window, _low, _high, low, high);
            }

            _low = low;
            _high = high;
        }

        _history[_historyNext] = point;
        _historyNext = (_historyNext + 1) % _history.Length;
        _historyCount = Math.Min(_historyCount + 1, _history.Length);
    }

    private double Normalized(double point)
    {
        double width = _high - _low;
        return width > 0 ? (point - _low) / width : 0;
    }

    private double Leveled(double point, int levels) => Math.Round(Normalized(point) * levels) / levels;

    private double Median()
    {
        var sorted = new double[_historyCount];
        for (int i = 0; i < _historyCount; i++)
        {
            sorted[i] = At(i);
        }

        Array.Sort(sorted);
        return sorted[sorted.Length / 2];
    }

    // Whether more than half of the recent points lie below this one: a count, not a sort.
    private bool AboveMedian(double point)
    {
        int below = 0;
        for (int i = 0; i < _historyCount; i++)
        {
            below += _history[i] < point ? 1 : 0;
        }

        return below > _historyCount / 2;
    }

    // The i-th remembered point, oldest first.
    private double At(int i) => _history[(_historyNext - _historyCount + i + _history.Length) % _history.Length];

    // The input for the shape ending at remembered point `end`: the Haar transform of the shape (scaled to [0, 1]),
    // then the shape's levels in the range seen so far.
    private void Input(Span<double> input, int end, double median, ResonanceOptions options)
    {
        int n = options.Window;
        Span<double> levels = input[n..];
        double medianLevel = options.Chomp > 0 ? Leveled(median, options.Levels) : double.NaN;
        for (int k = 0; k < n; k++)
        {
            double level = Leveled(At(end - n + 1 + k), options.Levels);
            levels[k] = options.Chomp > 0 && Math.Abs(level - medianLevel) < options.Chomp ? medianLevel : level;
        }

        Span<double> shape = input[..n];
        levels.CopyTo(shape);
        ScaleToUnit(shape);
        Haar.Transform(shape);
        ScaleToUnit(shape);
    }

    private static void ScaleToUnit(Span<double> values)
    {
        double min = double.PositiveInfinity, max = double.NegativeInfinity;
        foreach (double v in values)
        {
            min = Math.Min(min, v);
            max = Math.Max(max, v);
        }

        for (int k = 0; k < values.Length; k++)
        {
            values[k] = max > min ? (values[k] - min) / (max - min) : 0;
        }
    }

    // The end of the warm-up: a first vigilance from the warm-up's shapes, then they are learned in order.
    private void WarmUp(ResonanceOptions options)
    {
        int n = options.Window, dimension = 2 * n;
        double median = options.Chomp > 0 ? Median() : double.NaN;
        int shapes = _historyCount - n + 1;
        var inputs = new double[shapes][];
        for (int s = 0; s < shapes; s++)
        {
            inputs[s] = new double[dimension];
            Input(inputs[s], s + n - 1, median, options);
        }

        double vigilance = FirstVigilance(inputs, options);
        _lowerVigilance = _upperVigilance = vigilance;
        _ready = true;
        long first = _points - _historyCount + 1;
        for (int s = 0; s < shapes; s++)
        {
            Detect(inputs[s], first + s + n - 1, options);
        }
    }

    // ARTime's start: the shapes from least to most typical (by their summed cosine similarity to the others) go
    // through scratch categories at the initial vigilance; the mean match of the later half is the first vigilance.
    private static double FirstVigilance(double[][] inputs, ResonanceOptions options)
    {
        var typicality = new double[inputs.Length];
        for (int i = 0; i < inputs.Length; i++)
        {
            for (int j = 0; j < inputs.Length; j++)
            {
                typicality[i] += i == j ? 1 : Cosine(inputs[i], inputs[j]);
            }
        }

        int[] order = [.. Enumerable.Range(0, inputs.Length).OrderBy(i => typicality[i])];
        var scratch = new FuzzyCategories(inputs[0].Length, inputs.Length + 1);
        double sum = 0;
        int counted = 0;
        for (int k = 0; k < order.Length; k++)
        {
            (double match, _, _) = scratch.Train(inputs[order[k]], options.InitialVigilance, options.InitialVigilance, k);
            if (k >= order.Length / 2)
            {
                sum += k == 0 ? 0 : match;
                counted++;
            }
        }

        return counted > 0 ? Math.Clamp(sum / counted, 0.01, 0.99) : options.InitialVigilance;
    }

    private static double Cosine(double[] a, double[] b)
    {
        double dot = 0, na = 0, nb = 0;
        for (int k = 0; k < a.Length; k++)
        {
            dot += a[k] * b[k];
            na += a[k] * a[k];
            nb += b[k] * b[k];
        }

        na = Math.Sqrt(na);
        nb = Math.Sqrt(nb);
        return na == 0 ? 1 - nb : nb == 0 ? 1 - na : dot / (na * nb);
    }

    private double Detect(ReadOnlySpan<double> input, long i, ResonanceOptions options)
    {
        long rest = options.RestPoints, trend = options.WarmUpPoints;
        bool judging = i > trend;
        bool updateAfterAlarm = i - _lastAlarm == rest;
        bool updateForTrend = i - _lastVigilanceUpdate >= trend / 2;
        bool restingAfterAlarm = i - _lastAlarm <= rest;
        if (i > trend + rest && _quietAfterCluster && _sinceCluster >= rest)
        {
            _quietAfterCluster = false;
        }

        (double match, double energy, bool novel) = _categories.Train(input, _lowerVigilance, _upperVigilance, i);
        _sinceCluster = novel ? 0 : _sinceCluster + 1;
        _matchCount = Math.Min(_matchCount + 1, 100_000);
        _matchMean += (match - _matchMean) / _matchCount;
        Push(_recentMatches, match);
        Push(_recentShortfalls, _upperVigilance - match);
        if (i - _lastAlarm < rest && _alarmCount > 0 && match < _lastAlarmMatchKept)
        {
            // An alarm's match is the weakest of its rest: the lower vigilance never falls below what alarmed.
            _alarmMatchSum += match - _lastAlarmMatchKept;
            _lastAlarmMatchKept = match;
        }

        bool quiet = _quietAfterCluster || restingAfterAlarm;
        bool muchWorse = match < _lastAlarmMatch * (restingAfterAlarm ? 0.9 : 0.7);
        double novelty = 0;
        if (judging && novel && (!quiet || muchWorse))
        {
            novelty = Confidence(match, energy);
            _alarmMatchSum += match;
            _alarmCount++;
            _lastAlarmMatchKept = match;
            _lastAlarmMatch = match;
            _lastAlarm = i;
        }

        _quietAfterCluster = novel || _quietAfterCluster;
        if (i > trend && (updateAfterAlarm || updateForTrend))
        {
            UpdateVigilance(i, trend);
        }

        return novelty;
    }

    private void UpdateVigilance(long i, long trend)
    {
        double weakest = _recentMatches.Min();
        double upper = Math.Min(0.97, _matchMean);
        double lower = _lowerVigilance;
        if (lower <= weakest)
        {
            lower += (weakest - lower) * 0.19;
        }
        else
        {
            double fall = 0;
            if (i > trend * 2)
            {
                double sum = 0;
                int count = 0;
                foreach (double shortfall in _recentShortfalls)
                {
                    if (shortfall > 0.05)
                    {
                        sum += Math.Min(0.37, shortfall);
                        count++;
                    }
                }

                fall = count > 0 ? sum / count : 0;
            }

            lower -= Math.Max(0.01, fall) / 2;
            if (_alarmCount > 0)
            {
                lower = Math.Max(_alarmMatchSum / _alarmCount, lower);
            }
        }

        _lowerVigilance = Math.Min(upper, lower);
        _upperVigilance = upper;
        _lastVigilanceUpdate = i;
        _quietAfterCluster = true;
    }

    // How far below both vigilances the best match fell, and how badly the newest level missed.
    private double Confidence(double match, double energy)
    {
        double m = Math.Min(0.999, match);
        double upper = (_upperVigilance - m) / (1 - m);
        double lower = (_lowerVigilance - m) / (1 - m);
        return Math.Clamp((upper * 0.35) + (lower * 0.65) + ((1 - energy) * 1.5), 0, 1);
    }

    private static void Push(double[] ring, double value)
    {
        Array.Copy(ring, 1, ring, 0, ring.Length - 1);
        ring[^1] = value;
    }
}
