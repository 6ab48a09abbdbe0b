namespace OtlpGrains.Models.Detection.IsolationForest;

/// <summary>The most recent windows scored as normal, as feature rows in a fixed ring: the forest regrows from them.</summary>
[GenerateSerializer, Alias("otlpgrains.iforest.NormalReservoir")]
public sealed class NormalReservoir
{
    [Id(0)] private readonly double[] _rows;
    [Id(1)] private readonly int _dimensions;
    [Id(2)] private int _next;
    [Id(3)] private int _count;

    public NormalReservoir(int capacity, int dimensions)
    {
        _dimensions = dimensions;
        _rows = new double[capacity * dimensions];
    }

    public int Count => _count;

    public int Dimensions => _dimensions;

    /// <summary>The rows held, row-major (their order does not matter to the trees).</summary>
    public ReadOnlySpan<double> Rows => _rows.AsSpan(0, _count * _dimensions);

    public void Add(ReadOnlySpan<double> row)
    {
        int capacity = _rows.Length / _dimensions;
        row.CopyTo(_rows.AsSpan(_next * _dimensions, _dimensions));
        _next = (_next + 1) % capacity;
        _count = Math.Min(_count + 1, capacity);
    }
}
