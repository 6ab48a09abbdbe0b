namespace OtlpGrains.Models.Services;

/// <summary>
/// Gives names (span names, callees, metric series) small dense ids, once per service, so that windows are keyed
/// by ints and a batch hashes each distinct name once. At most <c>capacity</c> names are admitted: a service that
/// sends unbounded names must not grow its state. A caller may add one reserved name (such as <c>other</c>) that
/// does not count against the capacity.
/// </summary>
[GenerateSerializer, Alias("otlpgrains.CappedNameTable")]
internal sealed class CappedNameTable
{
    [Id(0)]
    private readonly int _capacity;

    [Id(1)]
    private readonly List<string> _names = [];

    [Id(2)]
    private readonly Dictionary<string, int> _ids = new(StringComparer.Ordinal);

    // Names admitted against the capacity; reserved names are not counted.
    [Id(3)]
    private int _admitted;

    public CappedNameTable(int capacity)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 1);
        _capacity = capacity;
    }

    /// <summary>Names held, reserved ones included; ids are 0 to Count - 1 in order of arrival.</summary>
    public int Count => _names.Count;

    public string NameOf(int id) => _names[id];

    public bool TryGetId(string name, out int id) => _ids.TryGetValue(name, out id);

    /// <summary>The id of <paramref name="name"/>, admitting it when there is room; -1 when it is new and the table is full.</summary>
    public int GetOrAdd(string name)
    {
        if (_ids.TryGetValue(name, out int id))
        {
            return id;
        }

        if (_admitted >= _capacity)
        {
            return -1; // not remembered either, so that refused names cost nothing
        }

        _admitted++;
        return Add(name);
    }

    /// <summary>The id of a reserved name, which is admitted whatever the capacity.</summary>
    public int GetOrAddReserved(string name) => _ids.TryGetValue(name, out int id) ? id : Add(name);

    private int Add(string name)
    {
        int id = _names.Count;
        _names.Add(name);
        _ids.Add(name, id);
        return id;
    }
}
