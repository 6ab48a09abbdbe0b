using System.Diagnostics;
using OtlpGrains.Models.Detection;
using OtlpGrains.Models.Evaluation.Nab;

namespace OtlpGrains.Evaluate;

/// <summary>
/// <c>nab &lt;nab-dir&gt; [--detector NAME] [--files all|even|odd] [--out DIR]</c>: runs each registered detector over the corpus and prints
/// <c>NAB &lt;detector&gt; standard=x low_fp=y low_fn=z</c> on stdout, with progress and timings on stderr.
/// <c>--files even</c> (or <c>odd</c>) keeps the files with an even (odd) index in path order, scored and normalised
/// on their own: settings chosen on one half are checked on the other.
/// </summary>
internal static class NabCommand
{
    // The benchmark's profile names, and how the NAB line names them.
    private static readonly (string Profile, string Label)[] Columns =
    [
        ("standard", "standard"),
        ("reward_low_FP_rate", "low_fp"),
        ("reward_low_FN_rate", "low_fn"),
    ];

    public static int Run(string[] args, TextWriter output, TextWriter error)
    {
        if (!TryParse(args, out string? nabDirectory, out string? detectorName, out string? outDirectory, out string files, out string? problem))
        {
            return Usage.Fail(error, problem);
        }

        IReadOnlyList<NabDetector> detectors = detectorName is null
            ? NabDetectors.All
            : [.. NabDetectors.All.Where(d => d.Name == detectorName)];
        if (detectors.Count == 0)
        {
            return Usage.Fail(error, detectorName is null ? "no detectors are registered" : $"unknown detector '{detectorName}'");
        }

        try
        {
            long started = Stopwatch.GetTimestamp();
            NabCorpus corpus = NabCorpus.Load(nabDirectory);
            if (files != "all")
            {
                int parity = files == "even" ? 0 : 1;
                corpus = corpus.Subset(index => index % 2 == parity);
            }

            error.WriteLine(FormattableString.Invariant(
                $"NAB corpus: {corpus.Files.Count} files, {corpus.Files.Sum(f => f.RowCount)} rows, {corpus.WindowCount} windows, loaded in {Stopwatch.GetElapsedTime(started).TotalSeconds:F2}s"));
            foreach (NabDetector detector in detectors)
            {
                output.WriteLine(RunDetector(detector, corpus, outDirectory, error));
            }

            return 0;
        }
        catch (Exception e) when (OneLine(e) is string message)
        {
            // Bad data, or a detector that breaks its contract (wrong schema, a score outside [0, 1]) or cannot be
            // trained on a file: one line.
            error.WriteLine($"error: {message}");
            return 1;
        }
    }

    private static string RunDetector(NabDetector detector, NabCorpus corpus, string? outDirectory, TextWriter error)
    {
        Func<NabFile, IAnomalyModel> modelFor = detector.PerFile ?? SharedModel(detector.Create());
        long started = Stopwatch.GetTimestamp();
        int done = 0;
        var perCategory = new Dictionary<string, TimeSpan>(StringComparer.Ordinal);
        double[][] scores = NabDetectorRun.Run(modelFor, corpus, run =>
        {
            lock (perCategory)
            {
                done++;
                perCategory[run.File.Category] = perCategory.GetValueOrDefault(run.File.Category) + run.Elapsed;
                error.WriteLine(FormattableString.Invariant(
                    $"[{detector.Name} {done,2}/{corpus.Files.Count}] {run.File.RelativePath}: {run.File.RowCount} rows in {run.Elapsed.TotalSeconds:F2}s"));
            }
        });
        TimeSpan detection = Stopwatch.GetElapsedTime(started);

        IReadOnlyList<NabProfileResult> results = NabBenchmark.Evaluate(corpus, scores);
        foreach (var (category, elapsed) in perCategory.OrderBy(c => c.Key, StringComparer.Ordinal))
        {
            error.WriteLine(FormattableString.Invariant($"[{detector.Name}] {category}: {elapsed.TotalSeconds:F2}s"));
        }

        error.WriteLine(FormattableString.Invariant(
            $"[{detector.Name}] detection {detection.TotalSeconds:F2}s wall, scoring {(Stopwatch.GetElapsedTime(started) - detection).TotalSeconds:F2}s"));
        foreach (NabProfileResult result in results)
        {
            error.WriteLine(FormattableString.Invariant(
                $"[{detector.Name}] {result.Profile.Name}: threshold {result.Threshold:R}, raw {result.RawScore:F4}, normalised {result.NormalizedScore:F4}"));
        }

        if (outDirectory is not null)
        {
            NabResultFiles.Write(Path.Combine(outDirectory, detector.Name), detector.Name, corpus, scores, results);
        }

        IEnumerable<string> columns = Columns.Select(c => FormattableString.Invariant($"{c.Label}={Normalized(results, c.Profile):F1}"));
        return $"NAB {detector.Name} {string.Join(' ', columns)}";
    }

    private static Func<NabFile, IAnomalyModel> SharedModel(IAnomalyModel model) => _ => model;

    // Files run in parallel, so a detector's exception may arrive wrapped.
    private static string? OneLine(Exception e) => e switch
    {
        AggregateException { InnerExceptions.Count: > 0 } wrapped => OneLine(wrapped.InnerExceptions[0]),
        NabFormatException or InvalidOperationException or ArgumentException => e.Message,
        _ => null,
    };

    private static double Normalized(IReadOnlyList<NabProfileResult> results, string profile) =>
        results.FirstOrDefault(r => r.Profile.Name == profile)?.NormalizedScore
        ?? throw new NabFormatException($"config/profiles.json has no profile '{profile}'");

    private static bool TryParse(
        string[] args,
        [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out string? nabDirectory,
        out string? detector,
        out string? outDirectory,
        out string files,
        [System.Diagnostics.CodeAnalysis.NotNullWhen(false)] out string? problem)
    {
        nabDirectory = detector = outDirectory = problem = null;
        files = "all";
        for (int i = 0; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--detector" when i + 1 < args.Length:
                    detector = args[++i];
                    break;
                case "--out" when i + 1 < args.Length:
                    outDirectory = args[++i];
                    break;
                case "--files" when i + 1 < args.Length:
                    files = args[++i];
                    if (files is not ("all" or "even" or "odd"))
                    {
                        problem = $"--files must be all, even or odd, got '{files}'";
                        return false;
                    }

                    break;
                case "--detector" or "--out" or "--files":
                    problem = $"{args[i]} needs a value";
                    return false;
                case var option when option.StartsWith("--", StringComparison.Ordinal):
                    problem = $"unknown option '{option}'";
                    return false;
                case var path when nabDirectory is null:
                    nabDirectory = path;
                    break;
                default:
                    problem = $"unexpected argument '{args[i]}'";
                    return false;
            }
        }

        problem = nabDirectory is null ? "missing <nab-dir>" : null;
        return nabDirectory is not null;
    }
}
