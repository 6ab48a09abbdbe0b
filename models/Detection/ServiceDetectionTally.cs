using OtlpGrains.Interfaces;

namespace OtlpGrains.Models.Detection;

/// <summary>
/// What a silo's service grains scored with registry versions since the last report: per version, windows, score
/// bins and, for a shadow, how many verdicts were compared with production's and how many agreed. A window scored
/// with no opinion (a model warming up) counts as a window but goes into no bin, so that warm-up zeros do not read
/// as the version's score distribution. The built-in model (version 0) is not a registry version and is not
/// counted. Thread-safe: every grain of the silo adds to it.
/// </summary>
public sealed class ServiceDetectionTally
{
    private readonly Lock _gate = new();
    private Dictionary<AnomalyModelRef, Counts> _counts = [];

    /// <summary>Adds the outcomes of one grain's scored windows.</summary>
    public void Add(IReadOnlyList<SignalOutcome> outcomes)
    {
        ArgumentNullException.ThrowIfNull(outcomes);
        lock (_gate)
        {
            foreach (SignalOutcome outcome in outcomes)
            {
                if (outcome.Model.Version > 0)
                {
                    CountsOf(outcome.Model).Add(outcome.Verdict.Score, outcome.HasOpinion, compared: false, agreed: false);
                }

                if (outcome.Shadow is { } shadow && shadow.Model.Version > 0)
                {
                    CountsOf(shadow.Model).Add(shadow.Score, shadow.HasOpinion, compared: true, shadow.Agreed);
                }
            }
        }
    }

    /// <summary>The reports of everything added since the last take (one per version), and a fresh start.</summary>
    public ModelScoreReport[] Take()
    {
        Dictionary<AnomalyModelRef, Counts> taken;
        lock (_gate)
        {
            taken = _counts;
            _counts = [];
        }

        return [.. taken.OrderBy(c => c.Key.Name, StringComparer.Ordinal).ThenBy(c => c.Key.Version).Select(c => c.Value.ToReport(c.Key))];
    }

    /// <summary>Adds back reports that could not be delivered, so they go with the next ones.</summary>
    public void Return(IEnumerable<ModelScoreReport> reports)
    {
        ArgumentNullException.ThrowIfNull(reports);
        lock (_gate)
        {
            foreach (ModelScoreReport report in reports)
            {
                CountsOf(new AnomalyModelRef(report.Model, report.Version)).Merge(report);
            }
        }
    }

    private Counts CountsOf(AnomalyModelRef model)
    {
        if (!_counts.TryGetValue(model, out var counts))
        {
            _counts[model] = counts = new Counts();
        }

        return counts;
    }

    private sealed class Counts
    {
        private readonly long[] _bins = new long[ModelScoreReport.Bins];
        private long _windows;
        private long _compared;
        private long _agreed;

        public void Add(double score, bool binned, bool compared, bool agreed)
        {
            _windows++;
            if (binned)
            {
                _bins[ModelScoreReport.BinOf(score)]++;
            }

            _compared += compared ? 1 : 0;
            _agreed += agreed ? 1 : 0;
        }

        public void Merge(ModelScoreReport report)
        {
            _windows += report.Windows;
            _compared += report.ComparedWithProduction;
            _agreed += report.AgreedWithProduction;
            for (int i = 0; i < _bins.Length && i < report.ScoreBins.Length; i++)
            {
                _bins[i] += report.ScoreBins[i];
            }
        }

        public ModelScoreReport ToReport(AnomalyModelRef model) => new(model.Name, model.Version, _windows, [.. _bins], _compared, _agreed);
    }
}
