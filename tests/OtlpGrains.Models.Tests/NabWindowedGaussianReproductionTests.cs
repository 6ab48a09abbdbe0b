using System.Globalization;
using System.Text.Json;
using OtlpGrains.Models.Evaluation.Nab;
using OtlpGrains.TestSupport;
using Xunit;

namespace OtlpGrains.Models.Tests;

/// <summary>
/// Our scorer against the benchmark's own output for its windowedGaussian detector: the shipped per-row anomaly
/// scores, scored by us, must give the shipped per-row S(t) columns and the published normalised totals.
/// </summary>
public sealed class NabWindowedGaussianReproductionTests
{
    private const string Detector = "windowedGaussian";

    private static readonly Lazy<(NabCorpus Corpus, double[][] Scores)> Shipped = new(LoadShipped);

    public static TheoryData<string> Profiles => ["standard", "reward_low_FP_rate", "reward_low_FN_rate"];

    [Theory]
    [MemberData(nameof(Profiles))]
    public void EveryFileScoresAsTheShippedColumns(string profileName)
    {
        (NabCorpus corpus, double[][] scores) = Shipped.Value;
        NabProfile profile = corpus.Profile(profileName);
        NabProfileResult result = NabBenchmark.ScoreAt(corpus, scores, profile, ShippedThreshold(corpus, profileName));

        for (int f = 0; f < corpus.Files.Count; f++)
        {
            double[] shipped = ShippedTable(corpus, corpus.Files[f]).Doubles($"S(t)_{profileName}");
            Assert.Equal(shipped.Sum(), result.Files[f].RawScore, 1e-6);
            for (int row = 0; row < shipped.Length; row++)
            {
                if (Math.Abs(shipped[row] - result.Files[f].Contributions[row]) > 1e-9)
                {
                    Assert.Fail($"{corpus.Files[f].RelativePath} row {row + 1}: S(t)_{profileName} is {shipped[row]}, we give {result.Files[f].Contributions[row]}");
                }
            }
        }
    }

    [Theory]
    [MemberData(nameof(Profiles))]
    public void NormalisedTotalGivesThePublishedScore(string profileName)
    {
        (NabCorpus corpus, double[][] scores) = Shipped.Value;
        NabProfileResult result = NabBenchmark.ScoreAt(corpus, scores, corpus.Profile(profileName), ShippedThreshold(corpus, profileName));

        Assert.Equal(PublishedScore(corpus, profileName), result.NormalizedScore, 0.05);
    }

    [Theory]
    [MemberData(nameof(Profiles))]
    public void ThresholdSweepReachesAtLeastThePublishedScore(string profileName)
    {
        (NabCorpus corpus, double[][] scores) = Shipped.Value;
        NabProfile profile = corpus.Profile(profileName);

        NabThreshold best = NabThresholdSweep.Best(corpus.Files, scores, profile);
        NabProfileResult rescored = NabBenchmark.ScoreAt(corpus, scores, profile, best.Threshold);

        // The sweep's running total and a fresh scoring at its threshold are the same number, up to rounding.
        Assert.Equal(rescored.RawScore, best.RawScore, 1e-6);
        Assert.True(
            rescored.NormalizedScore >= PublishedScore(corpus, profileName) - 1e-6,
            $"the sweep found {rescored.NormalizedScore:F4} at threshold {best.Threshold}, below the published {PublishedScore(corpus, profileName):F4}");
    }

    /// <summary>
    /// The threshold recorded in the shipped summary (<c>windowedGaussian_&lt;profile&gt;_scores.csv</c>), the one the
    /// S(t) columns were written at.
    /// </summary>
    private static double ShippedThreshold(NabCorpus corpus, string profileName)
    {
        var summary = NabCsvTable.Read(Path.Combine(corpus.Directory, "results", Detector, $"{Detector}_{profileName}_scores.csv"));
        string[] files = summary.Strings("File");
        double[] thresholds = [.. summary.Strings("Threshold")
            .Where((_, row) => files[row].Length > 0) // the totals row names no file and no threshold
            .Select(t => double.Parse(t, CultureInfo.InvariantCulture))];
        Assert.Equal(58, thresholds.Length);
        Assert.All(thresholds, t => Assert.Equal(thresholds[0], t));
        return thresholds[0];
    }

    private static double PublishedScore(NabCorpus corpus, string profileName)
    {
        using JsonDocument final = JsonDocument.Parse(File.ReadAllBytes(Path.Combine(corpus.Directory, "results", "final_results.json")));
        return final.RootElement.GetProperty(Detector).GetProperty(profileName).GetDouble();
    }

    private static NabCsvTable ShippedTable(NabCorpus corpus, NabFile file)
    {
        string fileName = Path.GetFileName(file.RelativePath);
        return NabCsvTable.Read(Path.Combine(corpus.Directory, "results", Detector, file.Category, $"{Detector}_{fileName}"));
    }

    private static (NabCorpus, double[][]) LoadShipped()
    {
        NabCorpus corpus = NabCorpus.Load(SharedData.Directory("nab"));
        var scores = corpus.Files.Select(f =>
        {
            double[] s = ShippedTable(corpus, f).Doubles("anomaly_score");
            Assert.Equal(f.RowCount, s.Length);
            return s;
        }).ToArray();
        return (corpus, scores);
    }
}
