using OtlpGrains.Interfaces;

namespace OtlpGrains.Models.Registry;

/// <summary>Everything the silos reported of one model version: windows scored, score distribution, shadow agreement.</summary>
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

    /// <summary>Share of compared verdicts that agreed with production, or null before any comparison.</summary>
    public double? Agreement => ComparedWithProduction == 0 ? null : (double)AgreedWithProduction / ComparedWithProduction;

    /// <summary>Adds one silo's report; a report with a bin count other than <see cref="ModelScoreReport.Bins"/> is refused.</summary>
    public void Add(ModelScoreReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        if (report.ScoreBins.Length != ModelScoreReport.Bins || report.Windows < 0 || report.AgreedWithProduction > report.ComparedWithProduction)
        {
            throw new ArgumentException($"a score report of model '{report.Model}' version {report.Version} is malformed", nameof(report));
        }

        Windows += report.Windows;
        ComparedWithProduction += report.ComparedWithProduction;
        AgreedWithProduction += report.AgreedWithProduction;
        for (int i = 0; i < ScoreBins.Length; i++)
        {
            ScoreBins[i] += report.ScoreBins[i];
        }
    }
}
