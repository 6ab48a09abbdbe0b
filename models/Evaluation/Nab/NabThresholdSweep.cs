namespace OtlpGrains.Models.Evaluation.Nab;

/// <summary>
/// Finds, for one profile, the threshold that gives the best total over the whole corpus, as the benchmark does:
/// one threshold for every file. It tries every distinct anomaly score as a threshold, lowering it one score at a
/// time: each newly detected row adds its false-alarm cost or raises its window's reward to the row's weight if
/// that is more (an earlier detection). The highest threshold wins a tie.
/// </summary>
public static class NabThresholdSweep
{
    /// <summary>The threshold above every score: nothing is detected.</summary>
    public const double NothingDetected = double.PositiveInfinity;

    public static NabThreshold Best(IReadOnlyList<NabFile> files, IReadOnlyList<double[]> anomalyScores, NabProfile profile)
    {
        if (files.Count != anomalyScores.Count)
        {
            throw new ArgumentException($"{anomalyScores.Count} score series for {files.Count} files", nameof(anomalyScores));
        }

        var candidates = new List<Candidate>();
        int windowCount = 0;
        for (int f = 0; f < files.Count; f++)
        {
            NabFile file = files[f];
            double[] scores = anomalyScores[f];
            if (scores.Length != file.RowCount)
            {
                throw new ArgumentException($"{file.RelativePath}: {scores.Length} scores for {file.RowCount} rows", nameof(anomalyScores));
            }

            NabRowWeights weights = NabRowWeights.Of(file, profile);
            for (int row = file.ProbationLength; row < file.RowCount; row++)
            {
                if (double.IsNaN(scores[row]))
                {
                    continue;
                }

                int window = weights.Window[row];
                candidates.Add(new Candidate(scores[row], weights.Weight[row], window < 0 ? -1 : windowCount + window, candidates.Count));
            }

            windowCount += file.Windows.Count;
        }

        // Highest score first; the row order breaks ties so that the sums run in the same order on every run.
        candidates.Sort(static (a, b) => a.Score != b.Score ? b.Score.CompareTo(a.Score) : a.Order.CompareTo(b.Order));

        var windowReward = new double[windowCount];
        Array.Fill(windowReward, -profile.FnWeight);
        double total = -profile.FnWeight * windowCount;
        var best = new NabThreshold(NothingDetected, total);
        int i = 0;
        while (i < candidates.Count)
        {
            double threshold = candidates[i].Score;
            for (; i < candidates.Count && candidates[i].Score == threshold; i++)
            {
                Candidate c = candidates[i];
                if (c.Window < 0)
                {
                    total += c.Weight;
                }
                else if (c.Weight > windowReward[c.Window])
                {
                    total += c.Weight - windowReward[c.Window];
                    windowReward[c.Window] = c.Weight;
                }
            }

            if (total > best.RawScore)
            {
                best = new NabThreshold(threshold, total);
            }
        }

        return best;
    }

    private readonly record struct Candidate(double Score, double Weight, int Window, int Order);
}
