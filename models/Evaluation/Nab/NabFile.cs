namespace OtlpGrains.Models.Evaluation.Nab;

/// <summary>
/// One data file of the corpus with its labels resolved to rows: the series a detector sees, the anomaly windows
/// the scorer judges it by, and the probation period at its start where detections are ignored.
/// </summary>
public sealed class NabFile
{
    /// <summary>The benchmark's share of each file given to a detector to learn before it is judged.</summary>
    public const double ProbationFraction = 0.15;

    public NabFile(string relativePath, DateTime[] timestamps, double[] values, IReadOnlyList<(DateTime Start, DateTime End)> windowLimits)
    {
        ArgumentException.ThrowIfNullOrEmpty(relativePath);
        if (timestamps.Length != values.Length)
        {
            throw new ArgumentException($"{relativePath}: {timestamps.Length} timestamps but {values.Length} values");
        }

        RelativePath = relativePath;
        Timestamps = timestamps;
        Values = values;
        Windows = ResolveWindows(relativePath, timestamps, windowLimits);
        ProbationLength = ProbationLengthOf(timestamps.Length);
    }

    /// <summary>The path under <c>data/</c>, such as <c>realKnownCause/nyc_taxi.csv</c>.</summary>
    public string RelativePath { get; }

    /// <summary>The category folder, such as <c>realKnownCause</c>.</summary>
    public string Category => RelativePath.Split('/')[0];

    public DateTime[] Timestamps { get; }

    public double[] Values { get; }

    /// <summary>The windows in time order; they never overlap.</summary>
    public IReadOnlyList<NabWindow> Windows { get; }

    /// <summary>Rows before this index are probation: detections there neither earn nor cost anything.</summary>
    public int ProbationLength { get; }

    public int RowCount => Values.Length;

    /// <summary>
    /// 15% of the rows, but never more than 15% of 5000 rows: the benchmark caps probation so that long files are
    /// judged on most of their length.
    /// </summary>
    public static int ProbationLengthOf(int rows) =>
        (int)Math.Min(Math.Floor(ProbationFraction * rows), ProbationFraction * 5000);

    /// <summary>Loads <c>data/&lt;relativePath&gt;</c> (columns timestamp, value) under <paramref name="dataDirectory"/>.</summary>
    public static NabFile Load(string dataDirectory, string relativePath, IReadOnlyList<(DateTime Start, DateTime End)> windowLimits)
    {
        NabCsvTable table = NabCsvTable.Read(Path.Combine(dataDirectory, relativePath));
        return new NabFile(relativePath, table.Timestamps("timestamp"), table.Doubles("value"), windowLimits);
    }

    private static NabWindow[] ResolveWindows(string relativePath, DateTime[] timestamps, IReadOnlyList<(DateTime Start, DateTime End)> limits)
    {
        var windows = new NabWindow[limits.Count];
        for (int i = 0; i < windows.Length; i++)
        {
            // A window is the run of rows from the first at or after its start while they stay within its end. Rows
            // are taken in file order, not sorted: a few files repeat or step back a timestamp (clock changes), and the
            // benchmark scores rows by position.
            int start = Array.FindIndex(timestamps, t => t >= limits[i].Start);
            int end = start;
            while (start >= 0 && end + 1 < timestamps.Length && timestamps[end + 1] <= limits[i].End)
            {
                end++;
            }

            if (start < 0 || timestamps[start] > limits[i].End)
            {
                throw new NabFormatException($"{relativePath}: window {limits[i].Start:s} to {limits[i].End:s} holds no rows");
            }

            windows[i] = new NabWindow(start, end);
        }

        Array.Sort(windows, (a, b) => a.Start.CompareTo(b.Start));
        for (int i = 1; i < windows.Length; i++)
        {
            if (windows[i].Start <= windows[i - 1].End)
            {
                throw new NabFormatException($"{relativePath}: windows {i - 1} and {i} overlap");
            }
        }

        return windows;
    }
}
