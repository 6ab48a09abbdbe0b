using OtlpGrains.Models.Detection;

namespace OtlpGrains.Evaluate.Training;

/// <summary>
/// How a model judges the windows it was not trained on: each service's series runs through a fresh state in order
/// (its training head teaches the state, as in production), and only the held-out tail counts. A window is flagged
/// when its score reaches <see cref="FlagScore"/>.
/// </summary>
internal static class HoldOutEvaluation
{
    /// <summary>
    /// 0.5: for baseline and iforest a one-in-a-million surprise, for the sequence models an error of 3 scale units.
    /// A fixed bar, since the per-service adaptive threshold needs far more windows than an evaluation has.
    /// </summary>
    public const double FlagScore = 0.5;

    public static HoldOutResult Evaluate(IAnomalyModel model, IReadOnlyList<ServiceSeries> services, Func<ServiceSeries, int> trainingCount)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(services);
        long windows = 0;
        long flagged = 0;
        double sum = 0;
        foreach (var service in services)
        {
            var state = model.NewState();
            int head = trainingCount(service);
            for (int i = 0; i < service.Windows.Count; i++)
            {
                var window = service.Windows[i];
                double score = model.Score(state, window.Start.ToUnixTimeMilliseconds() * 1_000_000, window.Values).Score;
                if (i < head)
                {
                    continue;
                }

                windows++;
                sum += double.IsNaN(score) ? 0 : score;
                flagged += score >= FlagScore ? 1 : 0;
            }
        }

        return new HoldOutResult(windows, flagged, windows == 0 ? 0 : (double)flagged / windows, windows == 0 ? 0 : sum / windows);
    }
}

/// <summary>Held-out windows scored, how many were flagged, their share, and the mean score.</summary>
internal sealed record HoldOutResult(long Windows, long Flagged, double FlaggedShare, double MeanScore);
