using OtlpGrains.Interfaces;
using OtlpGrains.Models.Services;
using OtlpGrains.Models.Statistics;

namespace OtlpGrains.Evaluate.Training;

/// <summary>
/// One exported window of a service as the service grain hands it to its detector (<see cref="RedFeatures"/>):
/// rate in requests per second, error ratio (0 without requests), p50, p95 and p99 of request latency in ms from the
/// window's histogram (NaN without requests), a quiet window's pooled with the minute before it.
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

    /// <summary>
    /// The exported windows (in order) as the service grain judged them (<see cref="RedFeatures"/>): a quiet window
    /// pooled with the exported windows of the minute before it.
    /// </summary>
    public static RedWindow[] Series(IReadOnlyList<ExportedWindow> ordered)
    {
        ArgumentNullException.ThrowIfNull(ordered);
        var counts = new RedCounts[ordered.Count];
        var windows = new RedWindow[ordered.Count];
        for (int i = 0; i < ordered.Count; i++)
        {
            ExportedWindow window = ordered[i];
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

            counts[i] = new RedCounts(window.Requests, window.Errors, latency);
            DateTimeOffset poolFrom = window.End - TimeSpan.FromTicks(RedFeatures.PoolNanos / 100);
            int first = i;
            while (first > 0 && ordered[first - 1].End > poolFrom)
            {
                first--;
            }

            IEnumerable<RedCounts> earlier = Enumerable.Range(first, i - first).Reverse().Select(k => counts[k]);
            windows[i] = new RedWindow(window.Start, window.End, RedFeatures.Of(seconds, counts[i], earlier, counts.Take(i)));
        }

        return windows;
    }
}

/// <summary>The fields of a window of <c>GET /api/v1/services/{name}/windows</c> that training reads.</summary>
internal sealed record ExportedWindow(DateTimeOffset Start, DateTimeOffset End, long Requests, long Errors, HistogramSnapshot? Latency);
