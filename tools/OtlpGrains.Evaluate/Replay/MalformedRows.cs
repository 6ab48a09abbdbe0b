namespace OtlpGrains.Evaluate.Replay;

/// <summary>
/// Rows a replay skipped because they were torn (the recorded day has a few, such as a log row with another row's
/// tail after it): one bad row must not stop a day's replay, but the count and the first reason are reported.
/// Without a collector, readers refuse such a row instead.
/// </summary>
internal sealed class MalformedRows
{
    public long Count { get; private set; }

    public string? First { get; private set; }

    /// <summary>Records the problem, or throws it when <paramref name="rows"/> is null.</summary>
    public static void Skip(MalformedRows? rows, string problem)
    {
        if (rows is null)
        {
            throw new ReplayInputException(problem);
        }

        rows.Count++;
        rows.First ??= problem;
    }
}
