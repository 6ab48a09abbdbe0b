namespace OtlpGrains.Models.Evaluation.Nab;

/// <summary>
/// Scores a detector's anomaly scores (one series per corpus file, in <see cref="NabCorpus.Files"/> order) the way
/// the benchmark reports them: per profile, at the threshold that is best for that profile over the whole corpus,
/// normalised between the null and the perfect detector.
/// </summary>
public static class NabBenchmark
{
    public static IReadOnlyList<NabProfileResult> Evaluate(NabCorpus corpus, IReadOnlyList<double[]> anomalyScores) =>
        [.. corpus.Profiles.Select(profile =>
            ScoreAt(corpus, anomalyScores, profile, NabThresholdSweep.Best(corpus.Files, anomalyScores, profile).Threshold))];

    /// <summary>The corpus scored under <paramref name="profile"/> at a given threshold.</summary>
    public static NabProfileResult ScoreAt(NabCorpus corpus, IReadOnlyList<double[]> anomalyScores, NabProfile profile, double threshold)
    {
        if (anomalyScores.Count != corpus.Files.Count)
        {
            throw new ArgumentException($"{anomalyScores.Count} score series for {corpus.Files.Count} files", nameof(anomalyScores));
        }

        var files = new NabFileScore[corpus.Files.Count];
        double raw = 0;
        for (int f = 0; f < files.Length; f++)
        {
            files[f] = NabFileScorer.Score(corpus.Files[f], anomalyScores[f], profile, threshold);
            raw += files[f].RawScore;
        }

        return new NabProfileResult(profile, threshold, raw, NabNormalization.Normalize(raw, profile, corpus.WindowCount), files);
    }
}
