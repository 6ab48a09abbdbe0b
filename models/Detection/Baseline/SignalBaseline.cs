namespace OtlpGrains.Models.Detection.Baseline;

/// <summary>
/// The baseline of one signal. Three robust tests judge a value against the recent windows: its distance from the
/// recent median, its step from the previous window, and a level shift (median of the newest windows against the
/// older ones). Once the time-of-day profile predicts the signal better than its recent level, the same tests run on
/// the residuals from that profile instead, so a daily rhythm is expected rather than alarming. The strongest test
/// becomes a surprise in nats (-ln of a Gaussian tail probability), and only what exceeds the signal's memory of
/// recent surprise is reported: an incident alarms at its onset, and a signal whose normal life is rough needs a
/// rougher window to alarm.
/// </summary>
[GenerateSerializer, Alias("otlpgrains.baseline.SignalBaseline")]
public sealed class SignalBaseline
{
    // Errors and typical deviations are averaged over about this many windows.
    private const double ErrorAlpha = 1.0 / 200;

    // The seasonal profile must beat the recent level by this factor before it replaces it.
    private const double SeasonAdvantage = 0.7;

    // Mean absolute deviation to standard deviation, for Gaussian residuals.
    private const double MeanAbsToSigma = 1.2533;

    private const double NanosPerDay = 86_400e9;

    // Three tests are taken at their maximum: a Bonferroni correction in nats.
    private static readonly double TestsCorrection = Math.Log(3);

    [Id(0)] private readonly RecentWindow _values;
    [Id(1)] private readonly RecentWindow _residuals;
    [Id(2)] private readonly SeasonalProfile? _season;
    [Id(3)] private double _levelError;
    [Id(4)] private double _seasonError;
    [Id(5)] private double _recentMemory;
    [Id(6)] private double _roughMemory;
    [Id(7)] private double _absDeviation;
    [Id(8)] private double _absStep;
    [Id(9)] private long _seen;
    [Id(10)] private double _high = double.NaN;
    [Id(11)] private double _low = double.NaN;
    [Id(12)] private long _firstWindow = long.MinValue;
    [Id(13)] private readonly RecentWindow _valueSteps;
    [Id(14)] private readonly RecentWindow _residualSteps;
    [Id(15)] private double _roughDeviation;

    public SignalBaseline(BaselineOptions options)
    {
        _values = new RecentWindow(options.RecentWindows);
        _residuals = new RecentWindow(options.RecentWindows);
        _valueSteps = new RecentWindow(options.RecentWindows - 1);
        _residualSteps = new RecentWindow(options.RecentWindows - 1);
        _season = options.SeasonBins > 0 ? new SeasonalProfile(options.SeasonBins) : null;
    }

    /// <summary>Values learned so far.</summary>
    public long Seen => _seen;

    /// <summary>
    /// The surprise of <paramref name="value"/> in nats after suppression (NaN while warming up or when the value is
    /// missing), then learns it. With <see cref="SignalDirection.Up"/> only departures upwards are surprising.
    /// </summary>
    public double Observe(long windowStartUnixNano, double value, SignalDirection direction, BaselineOptions options)
    {
        if (!double.IsFinite(value))
        {
            return double.NaN;
        }

        int n = _values.Count;
        double level = _values.Median();
        int bin = _season?.BinOf(windowStartUnixNano) ?? 0;
        double expected = _season?.Expected(bin) ?? double.NaN;
        double surprise = double.NaN;
        TestScale scale = default;
        if (n >= options.WarmUpWindows)
        {
            bool seasonal = _season is not null && !double.IsNaN(expected) &&
                            _season.DaysSeen >= options.SeasonMinDays && _seasonError < SeasonAdvantage * _levelError;
            double floor = ScaleFloor(level);
            surprise = seasonal
                ? TestSurprise(_residuals, _residualSteps, value - expected, floor, direction, options, out scale)
                : TestSurprise(_values, _valueSteps, value, floor, direction, options, out scale);
        }

        Learn(windowStartUnixNano, bin, value, level, expected);
        if (double.IsNaN(surprise))
        {
            return double.NaN;
        }

        // Only what exceeds the memories counts: the recent one (an incident's later windows) and a multiple of the
        // rough one (the roughest windows of this signal's normal life). Both then decay with their half-lives. A value
        // outside the signal's range is news however rough the signal is, so novelty is added past the memories.
        double novelty = Novelty(windowStartUnixNano, value, level, direction, options);
        double memory = Math.Max(_recentMemory, Math.Max(options.RoughnessWeight * _roughMemory, RoughDeviationSurprise(scale.Spread, options)));
        double reported = Math.Max(0, surprise - memory) + novelty;
        double roughDecay = Math.Pow(2, -1 / options.RoughnessHalfLife);
        _recentMemory = Math.Max(surprise, _recentMemory * Math.Pow(2, -1 / options.SuppressionHalfLife));
        _roughMemory = Math.Max(surprise, _roughMemory * roughDecay);
        _roughDeviation = Math.Max(scale.Deviation, _roughDeviation * roughDecay);
        return reported;
    }

    // The surprise, at today's spread, of a departure RoughnessDeviationWeight times the largest this signal has made
    // lately (0 when the option is off). The memory in nats is measured at the scale of its day, and a signal that is
    // flat between regular bursts learns a shrinking scale (a burst is clipped out of it), so the same burst grows more
    // surprising each time and outruns that memory; remembered in the signal's own units, it does not.
    private double RoughDeviationSurprise(double spread, BaselineOptions options) =>
        options.RoughnessDeviationWeight > 0 && _roughDeviation > 0
            ? Math.Max(0, GaussianTail.Surprise(options.RoughnessDeviationWeight * _roughDeviation / spread) - TestsCorrection)
            : 0;

    // Surprise, in nats, of a value outside the range seen so far: proportional to how far outside, as a fraction of
    // the range. The range forgets slowly (toward the recent level) so that a long-gone incident stops widening it.
    private double Novelty(long windowStartUnixNano, double value, double level, SignalDirection direction, BaselineOptions options)
    {
        if (_firstWindow == long.MinValue)
        {
            _firstWindow = windowStartUnixNano;
        }

        // A day of event time first: the first day of a daily rhythm keeps reaching values it has not seen yet.
        if (double.IsNaN(_high) || _seen < options.NoveltyWarmUpWindows ||
            windowStartUnixNano - _firstWindow < (long)(options.NoveltyWarmUpDays * NanosPerDay))
        {
            _high = double.IsNaN(_high) ? value : Math.Max(_high, value);
            _low = double.IsNaN(_low) ? value : Math.Min(_low, value);
            return 0;
        }

        double range = Math.Max(_high - _low, ScaleFloor(level));
        double below = direction == SignalDirection.Up ? 0 : _low - value;
        double novelty = options.NoveltyWeight * Math.Max(0, Math.Max(value - _high, below)) / range;
        double decay = 1 - Math.Pow(2, -1 / options.RangeHalfLife);
        _high = Math.Max(_high - (decay * (_high - level)), value);
        _low = Math.Min(_low + (decay * (level - _low)), value);
        return novelty;
    }

    // The strongest of the three tests on a series' recent windows and steps and its new `value`, in nats; `scale` gets
    // the value's departure from the series' level (upwards only for an Up signal) and the spread it was judged by.
    private double TestSurprise(RecentWindow series, RecentWindow steps, double value, double floor, SignalDirection direction, BaselineOptions options, out TestScale scale)
    {
        double level = series.Median();
        double spread = RobustStatistics.MadToSigma * series.MedianAbsoluteDeviation(level);
        spread = Math.Max(Math.Max(spread, MeanAbsToSigma * _absDeviation), floor);
        double zValue = (value - level) / spread;
        scale = new TestScale(direction == SignalDirection.Up ? Math.Max(0, value - level) : Math.Abs(value - level), spread);

        double stepScale = RobustStatistics.MadToSigma * steps.Median();
        stepScale = Math.Max(stepScale, MeanAbsToSigma * _absStep);
        double zStep = (value - series.Newest) / Math.Max(stepScale, floor);

        // The level-shift test compares the median of the newest windows with the recent level; the median of k values
        // varies about 1.25 / sqrt(k) times as much as one value.
        int shortCount = options.ShortWindows;
        Span<double> newest = stackalloc double[shortCount];
        series.CopyNewest(newest[..(shortCount - 1)]);
        newest[shortCount - 1] = value;
        double shortLevel = RobustStatistics.Median(newest);
        double zShift = (shortLevel - level) / (spread * MeanAbsToSigma / Math.Sqrt(shortCount));

        // Upwards only: a value at or below its typical level is no news, even when it got there by a step up (the
        // return from a dip).
        double z = direction == SignalDirection.Up
            ? (zValue <= 0 ? 0 : Math.Max(zValue, Math.Max(zStep, zShift)))
            : Math.Max(Math.Abs(zValue), Math.Max(Math.Abs(zStep), Math.Abs(zShift)));
        return Math.Max(0, GaussianTail.Surprise(z) - TestsCorrection);
    }

    private void Learn(long windowStartUnixNano, int bin, double value, double level, double expected)
    {
        double floor = ScaleFloor(level);
        if (!double.IsNaN(level))
        {
            // Clipped updates: one wild window moves the typical deviations by a bounded amount.
            double deviationClip = (5 * MeanAbsToSigma * _absDeviation) + floor;
            double levelError = Math.Abs(value - level);
            _absDeviation += ErrorAlpha * (Math.Min(levelError, _seen < 20 ? levelError : deviationClip) - _absDeviation);
            double step = Math.Abs(value - _values.Newest);
            double stepClip = (5 * MeanAbsToSigma * _absStep) + floor;
            _absStep += ErrorAlpha * (Math.Min(step, _seen < 20 ? step : stepClip) - _absStep);
            _levelError += ErrorAlpha * (Math.Min(levelError, deviationClip) - _levelError);
            double seasonError = double.IsNaN(expected) ? deviationClip : Math.Abs(value - expected);
            _seasonError += ErrorAlpha * (Math.Min(seasonError, deviationClip) - _seasonError);
        }

        double residual = double.IsNaN(expected) ? value - (double.IsNaN(level) ? value : level) : value - expected;
        if (_residuals.Count > 0)
        {
            _residualSteps.Add(Math.Abs(residual - _residuals.Newest));
            _valueSteps.Add(Math.Abs(value - _values.Newest));
        }

        _residuals.Add(residual);
        _season?.Learn(windowStartUnixNano, bin, value, _seen < 20 ? double.PositiveInfinity : (3 * MeanAbsToSigma * _absDeviation) + floor);
        _values.Add(value);
        _seen++;
    }

    private readonly record struct TestScale(double Deviation, double Spread);

    // A flat signal has no spread; a change of a thousandth of its level (or of 1e-9 around zero) is where its
    // surprise starts, instead of dividing by zero.
    private static double ScaleFloor(double level) => double.IsNaN(level) ? 1e-9 : Math.Max(1e-3 * Math.Abs(level), 1e-9);
}
