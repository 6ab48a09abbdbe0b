using OtlpGrains.Interfaces;

namespace OtlpGrains.Models.Services;

/// <summary>
/// A service's counters since first seen. Everything accepted counts here, whether or not a window could take it,
/// so that totals stay exact when data is late or a window has already closed.
/// </summary>
[GenerateSerializer, Alias("otlpgrains.ServiceCounters")]
internal sealed class ServiceCounters
{
    private const double NanosPerMs = 1_000_000d;

    private static readonly double[] LatencyBoundsMs = [.. ServiceTotals.LatencyBucketBoundsMs];

    [Id(0)]
    private long _spans;

    [Id(1)]
    private long _requests;

    [Id(2)]
    private long _errors;

    [Id(3)]
    private long _lateSpans;

    [Id(4)]
    private long _logs;

    [Id(5)]
    private long _metricPoints;

    [Id(6)]
    private long _refusedMetricPoints;

    [Id(7)]
    private long _refusedEdgeCalls;

    [Id(8)]
    private readonly long[] _latencyBucketCounts = new long[LatencyBoundsMs.Length + 1];

    [Id(9)]
    private double _latencySumMs;

    [Id(10)]
    private long _otherOperationSpans;

    public long Spans => _spans;

    public long Requests => _requests;

    public long Errors => _errors;

    /// <summary>Edge calls refused because the service already had the most callees it may keep.</summary>
    public long RefusedEdgeCalls => _refusedEdgeCalls;

    /// <summary>The refusals so far, without copying the histogram as <see cref="ToTotals"/> does.</summary>
    public ServiceDrops Drops => new(_lateSpans, _refusedMetricPoints, _refusedEdgeCalls, OtherOperationSpans: _otherOperationSpans);

    public void CountSpan(bool request, bool error, long durationNanos)
    {
        _spans++;
        if (!request)
        {
            return;
        }

        _requests++;
        if (error)
        {
            _errors++;
        }

        double ms = Math.Max(0, durationNanos / NanosPerMs);
        _latencySumMs += ms;
        _latencyBucketCounts[LatencyBucketOf(ms)]++;
    }

    public void CountLateSpan() => _lateSpans++;

    public void CountLogs(int count) => _logs += count;

    public void CountMetricPoint() => _metricPoints++;

    public void CountRefusedMetricPoint() => _refusedMetricPoints++;

    public void CountRefusedEdgeCall() => _refusedEdgeCalls++;

    public void CountOtherOperationSpan() => _otherOperationSpans++;

    public ServiceTotals ToTotals() => new(
        _spans,
        _requests,
        _errors,
        _lateSpans,
        _logs,
        _metricPoints,
        _refusedMetricPoints,
        [.. _latencyBucketCounts],
        _latencySumMs);

    // Bounds are "less than or equal", as in a Prometheus histogram's le label.
    private static int LatencyBucketOf(double ms)
    {
        int bucket = 0;
        while (bucket < LatencyBoundsMs.Length && ms > LatencyBoundsMs[bucket])
        {
            bucket++;
        }

        return bucket;
    }
}
