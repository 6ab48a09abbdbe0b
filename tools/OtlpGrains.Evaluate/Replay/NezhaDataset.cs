namespace OtlpGrains.Evaluate.Replay;

/// <summary>
/// A Nezha data set folder (<c>nezha-tt-2023-01-29</c>): the recorded day with faults under <c>rca_data/DAY</c>, its
/// fault list <c>rca_data/DAY/DAY-fault_list.json</c>, and the fault-free history under <c>construct_data/DAY</c>.
/// </summary>
internal sealed class NezhaDataset
{
    private NezhaDataset(string directory, NezhaSource faults, string? historyDirectory, string faultList)
    {
        Directory = directory;
        Faults = faults;
        HistoryDirectory = historyDirectory;
        FaultListFile = faultList;
    }

    public string Directory { get; }

    /// <summary>The recorded day with injected faults (<c>rca_data</c>).</summary>
    public NezhaSource Faults { get; }

    /// <summary>The fault-free recording of the same day (<c>construct_data</c>), when present.</summary>
    public string? HistoryDirectory { get; }

    public string FaultListFile { get; }

    public NezhaSource History() => NezhaSource.Open(
        HistoryDirectory ?? throw new ReplayInputException($"{Directory}: no construct_data/{Faults.Day:yyyy-MM-dd} for the history"));

    public static NezhaDataset Open(string directory)
    {
        string rca = Path.Combine(directory, "rca_data");
        if (!System.IO.Directory.Exists(rca))
        {
            throw new ReplayInputException($"{directory}: no rca_data folder (expected a Nezha data set such as nezha-tt-2023-01-29)");
        }

        string[] days = System.IO.Directory.GetDirectories(rca);
        if (days.Length != 1)
        {
            throw new ReplayInputException($"{rca}: expected exactly one day folder, found {days.Length}");
        }

        NezhaSource faults = NezhaSource.Open(days[0]);
        string day = Path.GetFileName(days[0]);
        string history = Path.Combine(directory, "construct_data", day);
        return new NezhaDataset(
            directory, faults, System.IO.Directory.Exists(history) ? history : null, Path.Combine(days[0], $"{day}-fault_list.json"));
    }
}
