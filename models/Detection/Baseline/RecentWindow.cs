namespace OtlpGrains.Models.Detection.Baseline;

/// <summary>
/// The last values of one series in a fixed ring (so a state never grows), with a sorted copy kept up to date on
/// every add: the median is then a lookup and the median absolute deviation a walk over half the values, instead of
/// a selection per window (the selections were nearly all of the baseline's cost).
/// </summary>
[GenerateSerializer, Alias("otlpgrains.baseline.RecentWindow")]
public sealed class RecentWindow
{
    [Id(0)] private readonly double[] _values;
    [Id(1)] private int _next;
    [Id(2)] private int _count;
    [Id(3)] private readonly double[] _sorted;

    public RecentWindow(int capacity)
    {
        _values = new double[capacity];
        _sorted = new double[capacity];
    }

    /// <summary>Values held (up to the capacity).</summary>
    public int Count => _count;

    /// <summary>The newest value; only valid when <see cref="Count"/> is positive.</summary>
    public double Newest => _values[(_next - 1 + _values.Length) % _values.Length];

    public void Add(double value)
    {
        if (_count == _values.Length)
        {
            // Drop the oldest value from the sorted copy.
            int old = Array.BinarySearch(_sorted, 0, _count, _values[_next]);
            Array.Copy(_sorted, old + 1, _sorted, old, _count - old - 1);
            _count--;
        }

        int at = Array.BinarySearch(_sorted, 0, _count, value);
        if (at < 0)
        {
            at = ~at;
        }

        Array.Copy(_sorted, at, _sorted, at + 1, _count - at);
        _sorted[at] = value;
        _count++;
        _values[_next] = value;
        _next = (_next + 1) % _values.Length;
    }

    /// <summary>The newest <paramref name="destination"/>.Length values, oldest first.</summary>
    public void CopyNewest(Span<double> destination)
    {
        int length = destination.Length;
        for (int i = 0; i < length; i++)
        {
            destination[i] = _values[(_next - length + i + (2 * _values.Length)) % _values.Length];
        }
    }

    /// <summary>The median of the values held (NaN when empty).</summary>
    public double Median()
    {
        if (_count == 0)
        {
            return double.NaN;
        }

        int mid = _count / 2;
        return (_count & 1) == 1 ? _sorted[mid] : 0.5 * (_sorted[mid - 1] + _sorted[mid]);
    }

    /// <summary>The median of |value - <paramref name="center"/>| over the values held (NaN when empty).</summary>
    public double MedianAbsoluteDeviation(double center)
    {
        if (_count == 0)
        {
            return double.NaN;
        }

        // The distances grow outward from the center in the sorted values: merge the two sides, nearest first, up to
        // the middle one(s).
        int right = Array.BinarySearch(_sorted, 0, _count, center);
        if (right < 0)
        {
            right = ~right;
        }

        int left = right - 1;
        int mid = _count / 2;
        double previous = 0;
        for (int taken = 0; ; taken++)
        {
            double distance;
            if (left >= 0 && (right >= _count || center - _sorted[left] <= _sorted[right] - center))
            {
                distance = center - _sorted[left--];
            }
            else
            {
                distance = _sorted[right++] - center;
            }

            if (taken == mid)
            {
                return (_count & 1) == 1 ? distance : 0.5 * (previous + distance);
            }

            previous = distance;
        }
    }
}
