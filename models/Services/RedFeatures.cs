using OtlpGrains.Interfaces;
using OtlpGrains.Models.Statistics;

namespace OtlpGrains.Models.Services;

/// <summary>The requests of one span window: how many, how many failed, and their latency.</summary>
public readonly record struct RedCounts(long Requests, long Errors, LatencyHistogram Latency);

/// <summary>
/// The feature vector a closed span window is judged on (<see cref="FeatureSchema.Red"/>), the same in the service
/// grains and in training: rate (requests/s), error ratio (0 without requests), and p50/p95/p99 of request latency in
/// ms (NaN without requests). A window with fewer than <see cref="JudgedRequests"/> requests takes its error ratio and
/// percentiles over itself and the windows just before it, newest first, until they hold that many; its rate stays
/// its own. If they still hold fewer, the error ratio counts the missing requests as failing at the service's usual
/// ratio (that of its earlier windows): one failure among a handful of requests is a small rise, a run of them a
/// large one, where both would read as a ratio near 1.
/// </summary>
public static class RedFeatures
{
    /// <summary>
    /// Requests a window's error ratio and percentiles are judged on when the windows before it have them: a quiet
    /// service's window holds a handful, and then its p99 is its one slowest request and its error ratio one failure,
    /// which would page on chance.
    /// </summary>
    public const int JudgedRequests = 20;

    /// <summary>How far back a quiet window's requests are pooled, from its end: a minute of event time, as for code paths.</summary>
    public const long PoolNanos = 60_000_000_000;

    /// <param name="seconds">The window's width.</param>
    /// <param name="window">The window's own requests.</param>
    /// <param name="earlierNewestFirst">The windows before it that end within <see cref="PoolNanos"/> of its end, newest first; read only as far as needed.</param>
    /// <param name="history">Every earlier window the service keeps, for its usual error ratio; read only when the pooled windows fall short.</param>
    public static double[] Of(double seconds, RedCounts window, IEnumerable<RedCounts> earlierNewestFirst, IEnumerable<RedCounts> history)
    {
        ArgumentNullException.ThrowIfNull(earlierNewestFirst);
        ArgumentNullException.ThrowIfNull(history);
        bool any = window.Requests > 0;
        long requests = window.Requests, errors = window.Errors;
        LatencyHistogram latency = window.Latency;
        if (any && requests < JudgedRequests)
        {
            latency = new LatencyHistogram();
            latency.Merge(window.Latency);
            foreach (RedCounts earlier in earlierNewestFirst)
            {
                if (requests >= JudgedRequests)
                {
                    break;
                }

                requests += earlier.Requests;
                errors += earlier.Errors;
                latency.Merge(earlier.Latency);
            }
        }

        double errorRatio = any ? (double)errors / requests : 0;
        if (any && requests < JudgedRequests && UsualErrorRatio(history) is double usual)
        {
            errorRatio = (errors + ((JudgedRequests - requests) * usual)) / JudgedRequests;
        }

        return
        [
            window.Requests / seconds,
            errorRatio,
            any ? latency.QuantileMs(0.50) : double.NaN,
            any ? latency.QuantileMs(0.95) : double.NaN,
            any ? latency.QuantileMs(0.99) : double.NaN,
        ];
    }

    // Errors per request over the history, or null when it holds no request.
    private static double? UsualErrorRatio(IEnumerable<RedCounts> history)
    {
        long requests = 0, errors = 0;
        foreach (RedCounts earlier in history)
        {
            requests += earlier.Requests;
            errors += earlier.Errors;
        }

        return requests > 0 ? (double)errors / requests : null;
    }
}
