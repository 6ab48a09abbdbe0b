namespace OtlpGrains.Evaluate.Replay;

/// <summary>The column positions of a CSV header, looked up by name, so that column order does not matter.</summary>
internal sealed class CsvHeader
{
    private readonly Dictionary<string, int> _index = new(StringComparer.Ordinal);

    public CsvHeader(string[] columns, string source)
    {
        Columns = columns;
        Source = source;
        for (int i = 0; i < columns.Length; i++)
        {
            _index.TryAdd(columns[i], i);
        }
    }

    public string[] Columns { get; }

    public string Source { get; }

    /// <summary>Reads the header record; an empty file is refused.</summary>
    public static CsvHeader Read(CsvRecordReader reader, string source) =>
        new(reader.Read() ?? throw new ReplayInputException($"{source}: empty file, expected a CSV header"), source);

    public int IndexOf(string column) =>
        _index.TryGetValue(column, out int index) ? index : throw new ReplayInputException($"{Source}: no column '{column}'");

    public bool Has(string column) => _index.ContainsKey(column);

    /// <summary>A record that repeats the header (concatenated CSV files do this).</summary>
    public bool IsRepeatedBy(string[] record) => record.AsSpan().SequenceEqual(Columns);
}
