namespace OtlpGrains.Models.Detection.Baseline;

/// <summary>The last values of one signal, oldest first when read: a fixed ring, so a state never grows.</summary>
[GenerateSerializer, Alias("otlpgrains.baseline.RecentWindow")]
public sealed class RecentWindow
{
    [Id(0)] private double[] _values;
    [Id(1)] private int _next;
    [Id(2)] private int _count;

    public RecentWindow(int capacity)
    {
        _values = new double[capacity];
    }

    /// <summary>Values held (up to the capacity).</summary>
    public int Count => _count;

    /// <summary>The capacity.</summary>
    public int Capacity => _values.Length;

    /// <summary>The newest value; only valid when <see cref="Count"/> is positive.</summary>
    public double Newest => _values[(_next - 1 + _values.Length) % _values.Length];

    public void Add(double value)
    {
        _values[_next] = value;
        _next = (_next + 1) % _values.Length;
        _count = Math.Min(_count + 1, _values.Length);
    }

    /// <summary>Copies the values, oldest first, into <paramref name="destination"/> (at least <see cref="Count"/> long).</summary>
    public void CopyTo(Span<double> destination)
    {
        int start = (_next - _count + _values.Length) % _values.Length;
        int firstPart = Math.Min(_count, _values.Length - start);
        _values.AsSpan(start, firstPart).CopyTo(destination);
        _values.AsSpan(0, _count - firstPart).CopyTo(destination[firstPart..]);
    }
}
