using OtlpGrains.Interfaces;
using OtlpGrains.Models.Statistics;

namespace OtlpGrains.Evaluate.Training;

/// <summary>
/// One exported window of a service as the service grain hands it to its detector (<see cref="FeatureSchema.Red"/>):
/// rate in requests per second, error ratio (0 without requests), p50, p95 and p99 of request latency in ms from the
/// window's histogram (NaN without requests).
/// </summary>
internal sealed record RedWindow(DateTimeOffset Start, DateTimeOffset End, double[] Values)
{
    /// <summary>
    /// The series with the windows between two exported ones filled in: the API lists windows that saw requests, but
    /// the service grain scores every window, an idle one as rate 0, error ratio 0 and no latency, so training must
    /// see the same.
    /// </summary>
    public static RedWindow[] FillGaps(RedWindow[] ordered)
    {
        ArgumentNullException.ThrowIfNull(ordered);
        if (ordered.Length < 2)
        {
            return ordered;
        }

        TimeSpan width = ordered[0].End - ordered[0].Start;
        var filled = new List<RedWindow>(ordered.Length);
        foreach (RedWindow window in ordered)
        {
            for (DateTimeOffset start = filled.Count == 0 ? window.Start : filled[^1].End; start < window.Start; start += width)
            {
                filled.Add(new RedWindow(start, start + width, [0, 0, double.NaN, double.NaN, double.NaN]));
            }

            filled.Add(window);
        }

        return [.. filled];
    }

    public static RedWindow From(ExportedWindow window)
    {
        ArgumentNullException.ThrowIfNull(window);
        double seconds = (window.End - window.Start).TotalSeconds;
        if (seconds <= 0 || window.Requests < 0 || window.Errors < 0)
        {
            throw new TrainingFailure($"the API returned a malformed window starting {window.Start:O}");
        }

        var latency = new LatencyHistogram();
        try
        {
            latency.Merge(window.Latency ?? HistogramSnapshot.Empty);
        }
        catch (ArgumentException bad)
        {
            throw new TrainingFailure($"the window starting {window.Start:O} has a bad latency histogram: {bad.Message}");
        }

        bool any = window.Requests > 0;
        return new RedWindow(window.Start, window.End,
        [
            window.Requests / seconds,
            any ? (double)window.Errors / window.Requests : 0,
            any ? latency.QuantileMs(0.50) : double.NaN,
            any ? latency.QuantileMs(0.95) : double.NaN,
            any ? latency.QuantileMs(0.99) : double.NaN,
        ]);
    }
}

/// <summary>The fields of a window of <c>GET /api/v1/services/{name}/windows</c> that training reads.</summary>
internal sealed record ExportedWindow(DateTimeOffset Start, DateTimeOffset End, long Requests, long Errors, HistogramSnapshot? Latency);
