using System.Diagnostics;
using OtlpGrains.Models.Detection;
using OtlpGrains.Interfaces;

namespace OtlpGrains.Models.Evaluation.Nab;

/// <summary>
/// Runs a detector over the corpus as a service grain would feed it: each file on its own fresh state, one row per
/// window in file order (window start = the row's timestamp, the value as the single feature), keeping the score
/// of each window before the state learns it. Files run in parallel; each file's scores land in its own slot, so
/// the result does not depend on the scheduling.
/// </summary>
public static class NabDetectorRun
{
    private static readonly DateTime UnixEpoch = new(1970, 1, 1, 0, 0, 0, DateTimeKind.Utc);

    /// <summary>The anomaly scores of every corpus file, in <see cref="NabCorpus.Files"/> order.</summary>
    /// <param name="progress">Told of each finished file, from the worker that ran it.</param>
    /// <param name="maxParallelism">Files run at once; by default one per core, so that per-file times are not
    /// inflated by time slicing.</param>
    public static double[][] Run(IAnomalyModel model, NabCorpus corpus, Action<NabFileRun>? progress = null, int? maxParallelism = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        CheckSchema(model);
        return Run(_ => model, corpus, progress, maxParallelism);
    }

    /// <summary>
    /// The same with a model per file, for detectors trained offline: <paramref name="modelFor"/> may read only the
    /// file's probation rows (which the benchmark does not score), the same way for every file.
    /// </summary>
    public static double[][] Run(Func<NabFile, IAnomalyModel> modelFor, NabCorpus corpus, Action<NabFileRun>? progress = null, int? maxParallelism = null)
    {
        ArgumentNullException.ThrowIfNull(modelFor);

        var scores = new double[corpus.Files.Count][];
        // Longest files first so that the last worker does not start the biggest file alone.
        int[] order = [.. Enumerable.Range(0, corpus.Files.Count).OrderByDescending(i => corpus.Files[i].RowCount).ThenBy(i => i)];
        Parallel.ForEach(order, new ParallelOptions { MaxDegreeOfParallelism = maxParallelism ?? Environment.ProcessorCount }, f =>
        {
            long started = Stopwatch.GetTimestamp();
            IAnomalyModel model = modelFor(corpus.Files[f]);
            CheckSchema(model);
            scores[f] = RunFile(model, corpus.Files[f]);
            progress?.Invoke(new NabFileRun(corpus.Files[f], Stopwatch.GetElapsedTime(started)));
        });
        return scores;
    }

    private static void CheckSchema(IAnomalyModel model)
    {
        if (!FeatureSchema.Univariate.Accepts(model.Schema))
        {
            throw new ArgumentException($"model '{model.Kind}' reads schema '{model.Schema.Name}', NAB feeds '{FeatureSchema.Univariate.Name}'", nameof(model));
        }
    }

    /// <summary>The anomaly score of each row of one file, from a fresh state.</summary>
    public static double[] RunFile(IAnomalyModel model, NabFile file)
    {
        DetectorState state = model.NewState();
        var scores = new double[file.RowCount];
        var vector = new double[1];
        for (int row = 0; row < file.RowCount; row++)
        {
            vector[0] = file.Values[row];
            long windowStart = (file.Timestamps[row] - UnixEpoch).Ticks * 100;
            double score = model.Score(state, windowStart, vector).Score;
            if (!(score >= 0 && score <= 1))
            {
                throw new InvalidOperationException($"model '{model.Kind}' scored {file.RelativePath} row {row + 1} as {score}, outside [0, 1]");
            }

            scores[row] = score;
        }

        return scores;
    }
}

/// <summary>One file a detector has finished, and how long it took.</summary>
public readonly record struct NabFileRun(NabFile File, TimeSpan Elapsed);
