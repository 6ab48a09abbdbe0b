namespace OtlpGrains.Models.Evaluation.Nab;

/// <summary>
/// Scores one file's anomaly scores at a threshold: a row is a detection when its score is at or above the
/// threshold and it lies past probation. Only the first detection in a window counts; a window without one costs
/// fnWeight; every detection outside windows is a false alarm.
/// </summary>
public static class NabFileScorer
{
    public static NabFileScore Score(NabFile file, ReadOnlySpan<double> anomalyScores, NabProfile profile, double threshold)
    {
        if (anomalyScores.Length != file.RowCount)
        {
            throw new ArgumentException($"{file.RelativePath}: {anomalyScores.Length} scores for {file.RowCount} rows", nameof(anomalyScores));
        }

        NabRowWeights weights = NabRowWeights.Of(file, profile);
        var contributions = new double[file.RowCount];
        var firstDetection = new double[file.Windows.Count];
        Array.Fill(firstDetection, double.NaN);
        int falsePositives = 0;
        for (int row = file.ProbationLength; row < file.RowCount; row++)
        {
            if (!(anomalyScores[row] >= threshold))
            {
                continue;
            }

            int window = weights.Window[row];
            if (window < 0)
            {
                contributions[row] = weights.Weight[row];
                falsePositives++;
            }
            else if (double.IsNaN(firstDetection[window]))
            {
                firstDetection[window] = weights.Weight[row];
            }
        }

        int detected = 0;
        for (int w = 0; w < file.Windows.Count; w++)
        {
            bool hit = !double.IsNaN(firstDetection[w]);
            detected += hit ? 1 : 0;
            contributions[file.Windows[w].Start] += hit ? firstDetection[w] : -profile.FnWeight;
        }

        double raw = 0;
        foreach (double contribution in contributions)
        {
            raw += contribution;
        }

        return new NabFileScore(file.RelativePath, raw, detected, file.Windows.Count - detected, falsePositives, contributions);
    }
}
