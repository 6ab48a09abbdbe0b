using OtlpGrains.Models.Evaluation.Nab;
using Xunit;

namespace OtlpGrains.Models.Tests;

public sealed class NabFileScorerTests
{
    private static readonly NabProfile Standard = new("standard", TpWeight: 1.0, FpWeight: 0.11, FnWeight: 1.0);

    // 100 rows a minute apart; one window over rows 40..49; probation is rows 0..14.
    private static NabFile OneWindowFile() => SyntheticFile(100, (40, 49));

    [Fact]
    public void DetectionAtTheWindowsFirstRowEarnsTheFullTruePositiveWeight()
    {
        NabFileScore score = NabFileScorer.Score(OneWindowFile(), Detections(100, 40), Standard, 0.5);

        Assert.Equal(1.0, score.RawScore, 1e-12);
        Assert.Equal(1, score.DetectedWindows);
        Assert.Equal(1.0, score.Contributions[40], 1e-12);
    }

    [Fact]
    public void OnlyTheFirstDetectionInAWindowCountsAndLaterOnesEarnLess()
    {
        NabFileScore early = NabFileScorer.Score(OneWindowFile(), Detections(100, 41), Standard, 0.5);
        NabFileScore both = NabFileScorer.Score(OneWindowFile(), Detections(100, 41, 45), Standard, 0.5);
        NabFileScore late = NabFileScorer.Score(OneWindowFile(), Detections(100, 45), Standard, 0.5);

        double expected = NabScoringFunction.ScaledSigmoid(-0.9) / NabScoringFunction.ScaledSigmoid(-1.0);
        Assert.Equal(expected, early.RawScore, 1e-12);
        Assert.Equal(early.RawScore, both.RawScore, 1e-12);
        Assert.True(late.RawScore < early.RawScore);
        Assert.Equal(0, both.FalsePositives);
    }

    [Fact]
    public void MissedWindowCostsTheFalseNegativeWeightOnItsFirstRow()
    {
        NabFileScore score = NabFileScorer.Score(OneWindowFile(), Detections(100), Standard, 0.5);

        Assert.Equal(-1.0, score.RawScore, 1e-12);
        Assert.Equal(1, score.MissedWindows);
        Assert.Equal(-1.0, score.Contributions[40]);
    }

    [Fact]
    public void FalseAlarmsCostByDistanceAfterThePrecedingWindowAndProbationIsIgnored()
    {
        // Row 10 is in probation, row 20 precedes every window, row 50 is just past the window, row 99 far past it.
        NabFileScore score = NabFileScorer.Score(OneWindowFile(), Detections(100, 10, 20, 50, 99), Standard, 0.5);

        Assert.Equal(0, score.Contributions[10]);
        Assert.Equal(-0.11, score.Contributions[20], 1e-12);
        Assert.Equal(NabScoringFunction.ScaledSigmoid(1.0 / 9) * 0.11, score.Contributions[50], 1e-12);
        Assert.Equal(-0.11, score.Contributions[99], 1e-12); // 50 rows past a 10-row window: beyond 3 window lengths
        Assert.Equal(3, score.FalsePositives);
        Assert.Equal(score.Contributions.Sum(), score.RawScore, 1e-12);
    }

    [Fact]
    public void ProbationIsFifteenPercentCappedAtSevenHundredFiftyRows()
    {
        Assert.Equal(15, OneWindowFile().ProbationLength);
        Assert.Equal(150, NabFile.ProbationLengthOf(1000));
        Assert.Equal(750, NabFile.ProbationLengthOf(22695));
    }

    [Fact]
    public void NormalisationPutsTheNullDetectorAtZeroAndThePerfectOneAtHundred()
    {
        Assert.Equal(0, NabNormalization.Normalize(-116, Standard, 116), 1e-12);
        Assert.Equal(100, NabNormalization.Normalize(116, Standard, 116), 1e-12);
        Assert.Equal(39.6495, NabNormalization.Normalize(-24.0131, Standard, 116), 1e-3);
    }

    [Fact]
    public void SweepPicksTheThresholdWithTheBestTotal()
    {
        NabFile file = OneWindowFile();
        var scores = new double[100];
        scores[20] = 0.9; // a false alarm before the window
        scores[42] = 0.8; // a detection early in the window
        scores[60] = 0.3; // a false alarm after it
        scores[10] = 0.95; // probation: never counts

        NabThreshold best = NabThresholdSweep.Best([file], [scores], Standard);

        Assert.Equal(0.8, best.Threshold);
        Assert.Equal(NabFileScorer.Score(file, scores, Standard, 0.8).RawScore, best.RawScore, 1e-12);
        Assert.True(best.RawScore > NabFileScorer.Score(file, scores, Standard, 0.3).RawScore);
    }

    [Fact]
    public void SweepKeepsNothingDetectedWhenEveryDetectionCostsMore()
    {
        var scores = new double[100];
        scores[20] = 0.9;

        NabThreshold best = NabThresholdSweep.Best([OneWindowFile()], [scores], Standard);

        Assert.Equal(NabThresholdSweep.NothingDetected, best.Threshold);
        Assert.Equal(-1.0, best.RawScore, 1e-12);
    }

    [Fact]
    public void UnreadableCellIsAOneLineErrorNamingFileAndRow()
    {
        string path = Path.Combine(Path.GetTempPath(), $"nab-{Guid.NewGuid():N}.csv");
        File.WriteAllText(path, "timestamp,value\n2014-07-01 00:00:00,1\n2014-07-01 00:05:00,abc\n");
        try
        {
            var e = Assert.Throws<NabFormatException>(() => NabFile.Load(Path.GetDirectoryName(path)!, Path.GetFileName(path), []));
            Assert.Contains("row 2", e.Message, StringComparison.Ordinal);
            Assert.Contains("'abc'", e.Message, StringComparison.Ordinal);
            Assert.DoesNotContain('\n', e.Message);
        }
        finally
        {
            File.Delete(path);
        }
    }

    private static NabFile SyntheticFile(int rows, (int Start, int End) window)
    {
        var start = new DateTime(2020, 1, 1, 0, 0, 0, DateTimeKind.Utc);
        DateTime[] timestamps = [.. Enumerable.Range(0, rows).Select(i => start.AddMinutes(i))];
        return new NabFile("synthetic/one_window.csv", timestamps, new double[rows], [(timestamps[window.Start], timestamps[window.End])]);
    }

    private static double[] Detections(int rows, params int[] at)
    {
        var scores = new double[rows];
        foreach (int row in at)
        {
            scores[row] = 1.0;
        }

        return scores;
    }
}
