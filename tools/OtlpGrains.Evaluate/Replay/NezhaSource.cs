using System.Globalization;

namespace OtlpGrains.Evaluate.Replay;

/// <summary>
/// One recorded folder of a Nezha day (<c>rca_data/2023-01-29</c> or <c>construct_data/2023-01-29</c>): per-minute
/// <c>trace/HH_MM_trace.csv.gz</c> and <c>log/HH_MM_log.csv.gz</c>, and per-pod whole-day <c>metric/*.csv.gz</c>.
/// </summary>
internal sealed class NezhaSource
{
    private NezhaSource(string directory, DateOnly day, IReadOnlyList<NezhaMinute> minutes, IReadOnlyList<string> metricFiles)
    {
        Directory = directory;
        Day = day;
        Minutes = minutes;
        MetricFiles = metricFiles;
    }

    public string Directory { get; }

    /// <summary>The day, from the folder's name; minute names are UTC times of this day.</summary>
    public DateOnly Day { get; }

    /// <summary>The minutes with a trace or a log file, in time order.</summary>
    public IReadOnlyList<NezhaMinute> Minutes { get; }

    public IReadOnlyList<string> MetricFiles { get; }

    public static NezhaSource Open(string directory)
    {
        if (!System.IO.Directory.Exists(directory))
        {
            throw new ReplayInputException($"no folder {directory}");
        }

        string name = Path.GetFileName(Path.TrimEndingDirectorySeparator(directory));
        if (!DateOnly.TryParseExact(name, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out DateOnly day))
        {
            throw new ReplayInputException($"{directory}: the folder name should be the day, like 2023-01-29");
        }

        var minutes = new SortedDictionary<TimeOnly, (string? Trace, string? Log)>();
        Collect(Path.Combine(directory, "trace"), "_trace.csv.gz", minutes, (m, path) => m with { Trace = path });
        Collect(Path.Combine(directory, "log"), "_log.csv.gz", minutes, (m, path) => m with { Log = path });
        if (minutes.Count == 0)
        {
            throw new ReplayInputException($"{directory}: no trace/HH_MM_trace.csv.gz or log/HH_MM_log.csv.gz files");
        }

        string metricDirectory = Path.Combine(directory, "metric");
        string[] metrics = System.IO.Directory.Exists(metricDirectory)
            ? [.. System.IO.Directory.GetFiles(metricDirectory, "*.csv.gz").Order(StringComparer.Ordinal)]
            : [];
        return new NezhaSource(
            directory,
            day,
            [.. minutes.Select(m => new NezhaMinute(new DateTimeOffset(day, m.Key, TimeSpan.Zero), m.Value.Trace, m.Value.Log))],
            metrics);
    }

    private static void Collect(
        string folder,
        string suffix,
        SortedDictionary<TimeOnly, (string? Trace, string? Log)> minutes,
        Func<(string? Trace, string? Log), string, (string?, string?)> set)
    {
        if (!System.IO.Directory.Exists(folder))
        {
            return;
        }

        foreach (string path in System.IO.Directory.GetFiles(folder, "*" + suffix))
        {
            string stem = Path.GetFileName(path)[..^suffix.Length];
            if (!TimeOnly.TryParseExact(stem, "HH_mm", CultureInfo.InvariantCulture, DateTimeStyles.None, out TimeOnly minute))
            {
                throw new ReplayInputException($"{path}: expected a name like 08_43{suffix}");
            }

            minutes[minute] = set(minutes.GetValueOrDefault(minute), path);
        }
    }
}

/// <summary>The files of one named minute; the name is about the minute, the rows may start a minute earlier.</summary>
internal sealed record NezhaMinute(DateTimeOffset Named, string? TraceFile, string? LogFile);
