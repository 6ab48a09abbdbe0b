using OtlpGrains.Models.Logs;

namespace OtlpGrains.Models.Evaluation.Loghub;

/// <summary>
/// Parses one system as the lines would stream in: one fresh miner, one pass in file order. Each message's template
/// is its group's text at the end of the pass, as the benchmark evaluates online parsers.
/// </summary>
public sealed record LoghubRun(string System, double GroupingAccuracy, double ParsingAccuracy, int Templates, int[] Groups, string[] PredictedTemplates)
{
    public static LoghubRun Parse(LoghubSystem system, LogMinerOptions options)
    {
        var miner = new LogTemplateMiner(options);
        var groups = new int[system.Contents.Count];
        for (int i = 0; i < groups.Length; i++)
        {
            groups[i] = miner.Match(system.Contents[i]);
        }

        string[] predicted = [.. groups.Select(miner.Template)];
        return new LoghubRun(
            system.Name,
            LoghubAccuracy.Grouping(groups, system.Templates),
            LoghubAccuracy.Parsing(predicted, system.Templates),
            miner.Count,
            groups,
            predicted);
    }
}
