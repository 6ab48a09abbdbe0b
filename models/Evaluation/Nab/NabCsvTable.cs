using System.Globalization;

namespace OtlpGrains.Models.Evaluation.Nab;

/// <summary>
/// A benchmark CSV (data files and detector result files): a header row and comma-separated cells, no quoting.
/// Columns are read by name so that result files with extra columns read the same way.
/// </summary>
public sealed class NabCsvTable
{
    private static readonly string[] TimestampFormats = ["yyyy-MM-dd HH:mm:ss", "yyyy-MM-dd HH:mm:ss.FFFFFFF"];

    private readonly string _path;
    private readonly string[] _header;
    private readonly List<string[]> _rows;

    private NabCsvTable(string path, string[] header, List<string[]> rows)
    {
        _path = path;
        _header = header;
        _rows = rows;
    }

    public int RowCount => _rows.Count;

    public static NabCsvTable Read(string path)
    {
        if (!File.Exists(path))
        {
            throw new NabFormatException($"{path}: file not found");
        }

        string[]? header = null;
        var rows = new List<string[]>();
        int lineNumber = 0;
        foreach (string line in File.ReadLines(path))
        {
            lineNumber++;
            if (line.Length == 0)
            {
                continue;
            }

            string[] cells = line.Split(',');
            if (header is null)
            {
                header = cells;
            }
            else if (cells.Length != header.Length)
            {
                throw new NabFormatException($"{path}:{lineNumber}: {cells.Length} cells, the header has {header.Length}");
            }
            else
            {
                rows.Add(cells);
            }
        }

        return header is null ? throw new NabFormatException($"{path}: empty file") : new NabCsvTable(path, header, rows);
    }

    public bool HasColumn(string name) => Array.IndexOf(_header, name) >= 0;

    public string[] Strings(string column)
    {
        int index = Column(column);
        return [.. _rows.Select(r => r[index])];
    }

    public double[] Doubles(string column)
    {
        int index = Column(column);
        var values = new double[_rows.Count];
        for (int i = 0; i < values.Length; i++)
        {
            if (!double.TryParse(_rows[i][index], NumberStyles.Float, CultureInfo.InvariantCulture, out values[i]))
            {
                throw new NabFormatException($"{_path}: row {i + 1}: '{_rows[i][index]}' in {column} is not a number");
            }
        }

        return values;
    }

    public DateTime[] Timestamps(string column)
    {
        int index = Column(column);
        var values = new DateTime[_rows.Count];
        for (int i = 0; i < values.Length; i++)
        {
            values[i] = ParseTimestamp(_rows[i][index], $"{_path}: row {i + 1}");
        }

        return values;
    }

    /// <summary>Parses the benchmark's timestamps (<c>2014-07-01 00:00:00</c>, labels add microseconds) as UTC.</summary>
    public static DateTime ParseTimestamp(string text, string where) =>
        DateTime.TryParseExact(
            text,
            TimestampFormats,
            CultureInfo.InvariantCulture,
            DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal,
            out DateTime value)
            ? value
            : throw new NabFormatException($"{where}: '{text}' is not a timestamp like 2014-07-01 00:00:00");

    private int Column(string name)
    {
        int index = Array.IndexOf(_header, name);
        return index >= 0
            ? index
            : throw new NabFormatException($"{_path}: no column '{name}' (columns: {string.Join(", ", _header)})");
    }
}
