using System.Diagnostics;
using System.Globalization;
using OtlpGrains.Models.Evaluation.Loghub;
using OtlpGrains.Models.Logs;

namespace OtlpGrains.Evaluate;

/// <summary>
/// <c>loghub &lt;loghub-dir&gt; [--misses N]</c>: parses every Loghub-2k system found with one fresh
/// <see cref="LogTemplateMiner"/> (default options, the same for every system) and prints
/// <c>LOGHUB &lt;system&gt; GA=x PA=y</c>, then <c>LOGHUB mean GA=x PA=y</c>. <c>--misses N</c> lists on stderr
/// the N most frequent wrong templates and split or merged groups of each system.
/// </summary>
internal static class LoghubCommand
{
    public static int Run(string[] args, TextWriter output, TextWriter error)
    {
        if (args.Length == 0 || args[0].StartsWith("--", StringComparison.Ordinal))
        {
            return Usage.Fail(error, "loghub needs the Loghub-2k directory");
        }

        int misses = 0;
        for (int i = 1; i < args.Length; i++)
        {
            if (args[i] == "--misses" && i + 1 < args.Length && int.TryParse(args[i + 1], CultureInfo.InvariantCulture, out misses) && misses >= 0)
            {
                i++;
            }
            else
            {
                return Usage.Fail(error, $"unexpected argument '{args[i]}'");
            }
        }

        try
        {
            IReadOnlyList<LoghubSystem> systems = LoghubSystem.LoadAll(args[0]);
            var runs = new List<LoghubRun>();
            foreach (LoghubSystem system in systems)
            {
                long started = Stopwatch.GetTimestamp();
                LoghubRun run = LoghubRun.Parse(system, LogMinerOptions.Default);
                runs.Add(run);
                output.WriteLine(FormattableString.Invariant($"LOGHUB {system.Name} GA={run.GroupingAccuracy:F3} PA={run.ParsingAccuracy:F3}"));
                error.WriteLine(FormattableString.Invariant(
                    $"[{system.Name}] {system.Contents.Count} lines, {run.Templates} templates (truth {system.Templates.Distinct().Count()}) in {Stopwatch.GetElapsedTime(started).TotalMilliseconds:F0} ms"));
                if (misses > 0)
                {
                    PrintMisses(system, run, misses, error);
                }
            }

            output.WriteLine(FormattableString.Invariant(
                $"LOGHUB mean GA={runs.Average(r => r.GroupingAccuracy):F3} PA={runs.Average(r => r.ParsingAccuracy):F3}"));
            return 0;
        }
        catch (Exception e) when (e is LoghubFormatException or IOException or UnauthorizedAccessException)
        {
            error.WriteLine($"error: {e.Message}");
            return 1;
        }
    }

    private static void PrintMisses(LoghubSystem system, LoghubRun run, int count, TextWriter error)
    {
        var wrong = new Dictionary<(string Truth, string Predicted), int>();
        for (int i = 0; i < run.Groups.Length; i++)
        {
            string truth = LoghubAccuracy.NormalizeWhitespace(system.Templates[i]);
            if (truth != run.PredictedTemplates[i])
            {
                wrong[(truth, run.PredictedTemplates[i])] = wrong.GetValueOrDefault((truth, run.PredictedTemplates[i])) + 1;
            }
        }

        foreach (var ((truth, predicted), n) in wrong.OrderByDescending(w => w.Value).Take(count))
        {
            error.WriteLine($"  PA x{n}\n    truth: {truth}\n    ours:  {predicted}");
        }

        // Groups: true templates spread over several predicted groups, and predicted groups holding several truths.
        var byTruth = run.Groups.Select((g, i) => (Group: g, Truth: LoghubAccuracy.NormalizeWhitespace(system.Templates[i])))
            .GroupBy(x => x.Truth).Where(t => t.Select(x => x.Group).Distinct().Count() > 1)
            .OrderByDescending(t => t.Count()).Take(count);
        foreach (var split in byTruth)
        {
            error.WriteLine($"  GA split x{split.Count()}: {split.Key}");
            foreach (int group in split.Select(x => x.Group).Distinct().Take(4))
            {
                error.WriteLine($"    -> #{group} {run.PredictedTemplates[Array.IndexOf(run.Groups, group)]}");
            }
        }

        var merged = run.Groups.Select((g, i) => (Group: g, Truth: LoghubAccuracy.NormalizeWhitespace(system.Templates[i])))
            .GroupBy(x => x.Group).Where(g => g.Select(x => x.Truth).Distinct().Count() > 1)
            .OrderByDescending(g => g.Count()).Take(count);
        foreach (var group in merged)
        {
            error.WriteLine($"  GA merged #{group.Key} x{group.Count()}: {run.PredictedTemplates[Array.IndexOf(run.Groups, group.Key)]}");
            foreach (string truth in group.Select(x => x.Truth).Distinct().Take(4))
            {
                error.WriteLine($"    <- {truth}");
            }
        }
    }
}
