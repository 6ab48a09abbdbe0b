using System.Globalization;

namespace OtlpGrains.Evaluate.Replay;

/// <summary>
/// Streams a Nezha metric file: one row per minute with <c>Time,TimeStamp</c> (Unix seconds), then <c>PodName</c>
/// (per pod) or <c>ServiceName</c> (<c>front_service.csv</c>), then numeric columns such as <c>CpuUsageRate(%)</c>.
/// Every numeric column becomes a value; an empty or unparsable cell is left out of that row. A repeated header
/// (files concatenated) is skipped. The pod's CPU and memory use against its limits become the OpenTelemetry names the
/// kubelet stats receiver gives them (<see cref="Utilizations"/>).
/// </summary>
internal static class NezhaMetricFile
{
    /// <summary>
    /// The pod columns that are a share of the pod's limit (448 millicores read 89.6% against 500m), as percentages,
    /// by the OpenTelemetry name for that ratio (unit <c>1</c>): a utilisation the server knows as such.
    /// </summary>
    internal static readonly Dictionary<string, string> Utilizations = new(StringComparer.Ordinal)
    {
        ["CpuUsageRate(%)"] = "k8s.pod.cpu_limit_utilization",
        ["MemoryUsageRate(%)"] = "k8s.pod.memory_limit_utilization",
    };

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
        var columns = new List<(int Index, string Name, string Unit, double Divisor)>();
        for (int i = 0; i < header.Columns.Length; i++)
        {
            if (!NonValueColumns.Contains(header.Columns[i]))
            {
                (string name, string unit, double divisor) = Column(header.Columns[i], perPod: pod >= 0);
                columns.Add((i, name, unit, divisor));
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
            foreach ((int index, string name, string unit, double divisor) in columns)
            {
                if (double.TryParse(row[index], NumberStyles.Float, CultureInfo.InvariantCulture, out double value) && double.IsFinite(value))
                {
                    values.Add(new MetricValue(name, unit, value / divisor));
                }
            }

            string? podName = pod >= 0 ? row[pod] : null;
            yield return new NezhaMetricRow(
                seconds * 1_000_000_000, podName is null ? row[service] : PodName.ServiceOf(podName), podName, values);
        }
    }

    // A pod's utilisation percentage becomes its OpenTelemetry ratio; any other column keeps its name, unit and value.
    private static (string Name, string Unit, double Divisor) Column(string column, bool perPod)
    {
        if (perPod && Utilizations.TryGetValue(column, out string? utilization))
        {
            return (utilization, "1", 100);
        }

        (string name, string unit) = NameAndUnit(column);
        return (name, unit, 1);
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
