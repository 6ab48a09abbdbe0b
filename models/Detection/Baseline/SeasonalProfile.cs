namespace OtlpGrains.Models.Detection.Baseline;

/// <summary>
/// A time-of-day profile of one signal, learned online in event time: per bin, a running level that forgets old
/// days (about a week of them), so that a service's daily rhythm becomes the expectation instead of an alarm.
/// </summary>
[GenerateSerializer, Alias("otlpgrains.baseline.SeasonalProfile")]
public sealed class SeasonalProfile
{
    private const long NanosPerSecond = 1_000_000_000;
    private const long SecondsPerDay = 86_400;

    // About a week of days per bin: long enough to smooth a day's noise, short enough to follow a change of rhythm.
    private const double RememberedDays = 7;

    [Id(0)] private readonly double[] _level;
    [Id(1)] private readonly int[] _updates;
    [Id(2)] private long _firstSecond = long.MinValue;
    [Id(3)] private long _lastSecond;
    [Id(4)] private long _totalUpdates;

    public SeasonalProfile(int bins)
    {
        _level = new double[bins];
        _updates = new int[bins];
    }

    /// <summary>Days of event time since the first update.</summary>
    public double DaysSeen => _firstSecond == long.MinValue ? 0 : (_lastSecond - _firstSecond) / (double)SecondsPerDay;

    /// <summary>The bin of a window start.</summary>
    public int BinOf(long windowStartUnixNano)
    {
        long secondOfDay = ((windowStartUnixNano / NanosPerSecond % SecondsPerDay) + SecondsPerDay) % SecondsPerDay;
        return (int)(secondOfDay * _level.Length / SecondsPerDay);
    }

    /// <summary>The expected value in <paramref name="bin"/>, or NaN when the bin has never been seen.</summary>
    public double Expected(int bin) => _updates[bin] == 0 ? double.NaN : _level[bin];

    /// <summary>Learns one value; <paramref name="clip"/> bounds how far a single (possibly anomalous) value pulls.</summary>
    public void Learn(long windowStartUnixNano, int bin, double value, double clip)
    {
        long second = windowStartUnixNano / NanosPerSecond;
        if (_firstSecond == long.MinValue)
        {
            _firstSecond = second;
        }

        _lastSecond = Math.Max(_lastSecond, second);
        _totalUpdates++;
        if (_updates[bin] == 0)
        {
            _level[bin] = value;
            _updates[bin] = 1;
            return;
        }

        // The window rate is not known in advance: updates per bin per day follow from what was seen so far.
        double perBinPerDay = _totalUpdates / Math.Max(1.0, DaysSeen) / _level.Length;
        double memory = Math.Max(1.0, perBinPerDay * RememberedDays);
        double alpha = 1.0 / Math.Min(_updates[bin] + 1, memory);
        double step = Math.Clamp(value - _level[bin], -clip, clip);
        _level[bin] += alpha * step;
        if (_updates[bin] < int.MaxValue)
        {
            _updates[bin]++;
        }
    }
}
