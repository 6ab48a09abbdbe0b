using OtlpGrains.Interfaces;

namespace OtlpGrains.Models.Registry;

/// <summary>
/// Everything the silos reported of one model version: windows scored, score distribution, shadow agreement, and the
/// drift of its scores (<see cref="DriftRule"/>): a reference histogram from its first reports while in service
/// (production or shadow), the histogram of the period being filled, and of the last complete period, with the
/// Population Stability Index between the last and the reference. Reports are taken whole: the reference and each
/// period hold the first reports that reach the rule's count, so they may hold a few more scores than it.
/// </summary>
[GenerateSerializer, Alias("otlpgrains.VersionScores")]
public sealed class VersionScores
{
    [Id(0)]
    public long Windows { get; private set; }

    [Id(1)]
    public long[] ScoreBins { get; private set; } = new long[ModelScoreReport.Bins];

    [Id(2)]
    public long ComparedWithProduction { get; private set; }

    [Id(3)]
    public long AgreedWithProduction { get; private set; }

    [Id(4)]
    public long[] ReferenceBins { get; private set; } = new long[ModelScoreReport.Bins];

    [Id(5)]
    public long[] PeriodBins { get; private set; } = new long[ModelScoreReport.Bins];

    [Id(6)]
    public long[] RecentBins { get; private set; } = new long[ModelScoreReport.Bins];

    /// <summary>The index between <see cref="RecentBins"/> and <see cref="ReferenceBins"/>; null until a period completes.</summary>
    [Id(7)]
    public double? Psi { get; private set; }

    /// <summary>When the index last rose above the bound, while it stays above; null when it is at or under the bound.</summary>
    [Id(8)]
    public DateTimeOffset? RetrainRecommendedAt { get; private set; }

    /// <summary>Crossings of the bound so far.</summary>
    [Id(9)]
    public int Recommendations { get; private set; }

    public long ReferenceWindows => ReferenceBins.Sum();

    public long RecentWindows => RecentBins.Sum();

    /// <summary>Share of compared verdicts that agreed with production, or null before any comparison.</summary>
    public double? Agreement => ComparedWithProduction == 0 ? null : (double)AgreedWithProduction / ComparedWithProduction;

    /// <summary>
    /// Adds one silo's report, which <see cref="ScoreReportCheck"/> must have passed. Its scores feed the drift
    /// histograms only while the version is <paramref name="inService"/>. Returns true when this report completed a
    /// period whose index crossed above the bound: the caller announces that crossing, once.
    /// </summary>
    public bool Add(ModelScoreReport report, bool inService, DriftRule rule, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(report);
        ArgumentNullException.ThrowIfNull(rule);
        if (ScoreReportCheck.Problem(report) is { } problem)
        {
            throw new ArgumentException(problem, nameof(report));
        }

        Windows += report.Windows;
        ComparedWithProduction += report.ComparedWithProduction;
        AgreedWithProduction += report.AgreedWithProduction;
        AddTo(ScoreBins, report.ScoreBins);
        if (!inService || report.ScoreBins.Sum() == 0)
        {
            return false;
        }

        if (ReferenceWindows < rule.ReferenceWindows)
        {
            AddTo(ReferenceBins, report.ScoreBins);
            return false;
        }

        AddTo(PeriodBins, report.ScoreBins);
        if (PeriodBins.Sum() < rule.ReferenceWindows)
        {
            return false;
        }

        (RecentBins, PeriodBins) = (PeriodBins, new long[ModelScoreReport.Bins]);
        Psi = PopulationStability.Index(ReferenceBins, RecentBins);
        if (Psi <= rule.PsiBound)
        {
            RetrainRecommendedAt = null;
            return false;
        }

        if (RetrainRecommendedAt is not null)
        {
            return false; // still above since the last crossing, already announced
        }

        RetrainRecommendedAt = now;
        Recommendations++;
        return true;
    }

    public VersionScoreSummary Summary(int version, DriftRule rule) => new(
        version,
        Windows,
        [.. ScoreBins],
        ScoreDistribution.Mean(ScoreBins),
        ScoreDistribution.Quantile(ScoreBins, 0.5),
        ScoreDistribution.Quantile(ScoreBins, 0.95),
        ScoreDistribution.Quantile(ScoreBins, 0.99),
        Agreement is { } share ? new ShadowAgreement(share, ComparedWithProduction, AgreedWithProduction) : null,
        new ScoreDrift(ReferenceWindows, RecentWindows, Psi, rule.PsiBound, RetrainRecommendedAt is not null, RetrainRecommendedAt, Recommendations));

    private static void AddTo(long[] target, long[] counts)
    {
        for (int i = 0; i < target.Length; i++)
        {
            target[i] += counts[i];
        }
    }
}
