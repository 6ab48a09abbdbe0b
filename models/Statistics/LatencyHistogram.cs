using OtlpGrains.Interfaces;

namespace OtlpGrains.Models.Statistics;

/// <summary>
/// A mergeable latency sketch with bounded relative error: values are counted in logarithmic buckets
/// (gamma^(i-1), gamma^i] milliseconds, so any quantile is reported within <see cref="RelativeAccuracy"/> of a
/// recorded value of that rank. Only the index range seen so far is stored, densely.
/// </summary>
[GenerateSerializer, Alias("otlpgrains.LatencyHistogram")]
public sealed class LatencyHistogram
{
    /// <summary>Relative accuracy alpha of every reported quantile.</summary>
    public const double RelativeAccuracy = HistogramSnapshot.RelativeAccuracy;

    /// <summary>Durations below this go to the zero bucket: they would need hundreds of buckets to say "instant".</summary>
    public const long MinTrackedNanos = 1_000;

    private const double NanosPerMs = 1_000_000d;

    // Largest bucket index magnitude a snapshot may carry (durations of 1 us to 292 years need about -350..1500).
    private const int MaxIndex = 4096;

    // Extra slots on the growing side so that a slowly drifting range does not copy the array on every new index.
    private const int GrowthSlack = 8;

    private static readonly double Gamma = HistogramSnapshot.Gamma;
    private static readonly double LogGamma = Math.Log(Gamma);

    [Id(0)]
    private int[] _counts = [];

    // Bucket index of _counts[0].
    [Id(1)]
    private int _offset;

    [Id(2)]
    private long _zeroCount;

    [Id(3)]
    private long _count;

    [Id(4)]
    private double _sumMs;

    /// <summary>Number of recorded values.</summary>
    public long Count => _count;

    /// <summary>Sum of recorded values in milliseconds (negative durations count as 0).</summary>
    public double SumMs => _sumMs;

    /// <summary>True when nothing was recorded.</summary>
    public bool IsEmpty => _count == 0;

    /// <summary>Length of the dense count array, to check the memory promise in tests.</summary>
    internal int DenseLength => _counts.Length;

    /// <summary>Records one duration.</summary>
    public void RecordNanos(long durationNanos)
    {
        _count++;
        if (durationNanos < MinTrackedNanos)
        {
            _zeroCount++;
            if (durationNanos > 0)
            {
                _sumMs += durationNanos / NanosPerMs;
            }

            return;
        }

        double ms = durationNanos / NanosPerMs;
        _sumMs += ms;
        int index = (int)Math.Ceiling(Math.Log(ms) / LogGamma);
        EnsureRange(index, index);
        _counts[index - _offset]++;
    }

    /// <summary>Adds every value of <paramref name="other"/> to this histogram.</summary>
    public void Merge(LatencyHistogram other)
    {
        ArgumentNullException.ThrowIfNull(other);
        if (other._count == 0)
        {
            return;
        }

        _count += other._count;
        _zeroCount += other._zeroCount;
        _sumMs += other._sumMs;

        AddCounts(other._offset, other._counts);
    }

    /// <summary>Adds every value of a snapshot (of this histogram's format) to this histogram.</summary>
    public void Merge(HistogramSnapshot snapshot)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        // Indexes of durations between 1 us and long.MaxValue ns lie well inside this; others come from bad input.
        if (snapshot.Offset < -MaxIndex || snapshot.Offset > MaxIndex - snapshot.Counts.Length)
        {
            throw new ArgumentException(
                $"histogram snapshot buckets {snapshot.Offset}..{(long)snapshot.Offset + snapshot.Counts.Length - 1} are outside -{MaxIndex}..{MaxIndex}",
                nameof(snapshot));
        }

        long bucketed = 0;
        foreach (int count in snapshot.Counts)
        {
            if (count < 0)
            {
                throw new ArgumentException($"histogram snapshot has a negative bucket count ({count})", nameof(snapshot));
            }

            bucketed += count;
        }

        // A snapshot that does not add up would make quantiles walk past the end; refuse it before changing anything.
        if (snapshot.ZeroCount < 0 || snapshot.Count != snapshot.ZeroCount + bucketed)
        {
            throw new ArgumentException(
                $"histogram snapshot is inconsistent: count {snapshot.Count} != zero count {snapshot.ZeroCount} + bucket counts {bucketed}",
                nameof(snapshot));
        }

        if (snapshot.Count == 0)
        {
            return;
        }

        _count += snapshot.Count;
        _zeroCount += snapshot.ZeroCount;
        _sumMs += snapshot.SumMs;
        AddCounts(snapshot.Offset, snapshot.Counts);
    }

    /// <summary>An immutable copy for the wire, without the empty slack at the ends of the dense array.</summary>
    public HistogramSnapshot ToSnapshot()
    {
        if (_count == 0)
        {
            return HistogramSnapshot.Empty;
        }

        (int first, int last) = NonZeroRange(_counts);
        int[] counts = first > last ? [] : _counts[first..(last + 1)];
        return new HistogramSnapshot(first > last ? 0 : _offset + first, counts, _zeroCount, _count, _sumMs);
    }

    /// <summary>
    /// The value (ms) of rank <c>ceil(q * Count)</c> (at least 1) among the recorded values, as its bucket's
    /// representative; 0 when empty or when that value is below <see cref="MinTrackedNanos"/>.
    /// </summary>
    public double QuantileMs(double q)
    {
        if (_count == 0)
        {
            return 0;
        }

        long rank = Rank(q, _count);
        if (rank <= _zeroCount)
        {
            return 0;
        }

        long seen = _zeroCount;
        for (int i = 0; i < _counts.Length; i++)
        {
            seen += _counts[i];
            if (seen >= rank)
            {
                return Representative(i + _offset);
            }
        }

        // Unreachable while the counts add up to _count; the highest bucket is the safe answer.
        return Representative(_offset + _counts.Length - 1);
    }

    /// <summary>p50, p95 and p99 in milliseconds; zeros when empty.</summary>
    public LatencySummary Summary() =>
        _count == 0 ? LatencySummary.Empty : new LatencySummary(QuantileMs(0.50), QuantileMs(0.95), QuantileMs(0.99));

    /// <summary>The nearest-rank definition used by <see cref="QuantileMs"/>: ceil(q*count) clamped to [1, count].</summary>
    public static long Rank(double q, long count)
    {
        double clamped = double.IsNaN(q) ? 0 : Math.Clamp(q, 0, 1);
        return Math.Clamp((long)Math.Ceiling(clamped * count), 1, count);
    }

    // The value with equal relative distance to both ends of (gamma^(i-1), gamma^i].
    private static double Representative(int index) => 2 * Math.Exp(index * LogGamma) / (Gamma + 1);

    private static (int First, int Last) NonZeroRange(int[] counts)
    {
        int first = 0;
        int last = counts.Length - 1;
        while (first <= last && counts[first] == 0)
        {
            first++;
        }

        while (last >= first && counts[last] == 0)
        {
            last--;
        }

        return (first, last);
    }

    private void AddCounts(int offset, int[] source)
    {
        // The source may carry empty slack at its ends; do not grow this histogram for them.
        (int first, int last) = NonZeroRange(source);
        if (first > last)
        {
            return;
        }

        EnsureRange(offset + first, offset + last);
        int shift = offset - _offset;
        for (int i = first; i <= last; i++)
        {
            _counts[i + shift] += source[i];
        }
    }

    private void EnsureRange(int low, int high)
    {
        if (_counts.Length == 0)
        {
            _offset = low;
            _counts = new int[high - low + 1];
            return;
        }

        int currentHigh = _offset + _counts.Length - 1;
        if (low >= _offset && high <= currentHigh)
        {
            return;
        }

        int newLow = low < _offset ? low - GrowthSlack : _offset;
        int newHigh = high > currentHigh ? high + GrowthSlack : currentHigh;
        var grown = new int[newHigh - newLow + 1];
        Array.Copy(_counts, 0, grown, _offset - newLow, _counts.Length);
        _counts = grown;
        _offset = newLow;
    }
}
