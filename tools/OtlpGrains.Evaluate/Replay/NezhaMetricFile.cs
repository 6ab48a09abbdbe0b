using System.Globalization;

namespace OtlpGrains.Evaluate.Replay;

/// <summary>
/// Streams a Nezha metric file: one row per minute with <c>Time,TimeStamp</c> (Unix seconds), then <c>PodName</c>
/// (per pod) or <c>ServiceName</c> (<c>front_service.csv</c>), then numeric columns such as <c>CpuUsageRate(%)</c>.
/// Every numeric column becomes a value; an empty or unparsable cell is left out of that row. A repeated header
/// (files concatenated) is skipped.
/// </summary>
internal static class NezhaMetricFile
{
    private static readonly HashSet<string> NonValueColumns = new(StringComparer.Ordinal) { "Time", "TimeStamp", "PodName", "ServiceName" };

    public static IEnumerable<NezhaMetricRow> Rows(string path, MalformedRows? malformed = null)
    {
        using CsvRecordReader reader = CsvRecordReader.Open(path);
        foreach (NezhaMetricRow row in Rows(reader, Path.GetFileName(path), malformed))
        {
            yield return row;
        }
    }

    public static IEnumerable<NezhaMetricRow> Rows(CsvRecordReader reader, string source, MalformedRows? malformed = null)
    {
        CsvHeader header = CsvHeader.Read(reader, source);
        int time = header.IndexOf("TimeStamp");
        int pod = header.Has("PodName") ? header.IndexOf("PodName") : -1;
        int service = pod < 0 ? header.IndexOf("ServiceName") : -1;
        var columns = new List<(int Index, string Name, string Unit)>();
        for (int i = 0; i < header.Columns.Length; i++)
        {
            if (!NonValueColumns.Contains(header.Columns[i]))
            {
                (string name, string unit) = NameAndUnit(header.Columns[i]);
                columns.Add((i, name, unit));
            }
        }

        for (string[]? row; (row = reader.Read()) is not null;)
        {
            if ((row.Length == 1 && row[0].Length == 0) || header.IsRepeatedBy(row))
            {
                continue;
            }

            if (row.Length != header.Columns.Length)
            {
                MalformedRows.Skip(malformed, $"{source}: record {reader.Record} has {row.Length} fields, the header {header.Columns.Length}");
                continue;
            }

            if (!long.TryParse(row[time], NumberStyles.None, CultureInfo.InvariantCulture, out long seconds))
            {
                throw new ReplayInputException($"{source}: record {reader.Record} has a TimeStamp '{row[time]}' that is not Unix seconds");
            }

            var values = new List<MetricValue>(columns.Count);
            foreach ((int index, string name, string unit) in columns)
            {
                if (double.TryParse(row[index], NumberStyles.Float, CultureInfo.InvariantCulture, out double value) && double.IsFinite(value))
                {
                    values.Add(new MetricValue(name, unit, value));
                }
            }

            string? podName = pod >= 0 ? row[pod] : null;
            yield return new NezhaMetricRow(
                seconds * 1_000_000_000, podName is null ? row[service] : PodName.ServiceOf(podName), podName, values);
        }
    }

    /// <summary><c>CpuUsageRate(%)</c> is the name <c>CpuUsageRate</c> with the unit <c>%</c>; without parentheses, no unit.</summary>
    internal static (string Name, string Unit) NameAndUnit(string column)
    {
        int open = column.LastIndexOf('(');
        return open > 0 && column.EndsWith(')')
            ? (column[..open], column[(open + 1)..^1])
            : (column, "");
    }
}
