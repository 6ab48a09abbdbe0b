using OtlpGrains.Interfaces;
using Prometheus;

namespace OtlpGrains.Gateway.Api;

/// <summary>
/// The per-service RED series on <c>/metrics</c> (span, request, error, late span, log and metric point counters,
/// and the request duration histogram with the spanmetrics buckets), kept in a prometheus-net registry from the
/// totals the service grains report. <see cref="Update"/> runs once per scrape.
/// </summary>
/// <remarks>
/// The totals are cumulative since each service was first seen, so they outlive this process: the first scrape
/// after a start publishes them whole. A service whose totals went down (its in-memory state was lost with a silo)
/// starts its series afresh, which Prometheus reads as a counter reset.
/// </remarks>
internal sealed class ServiceRedSeries
{
    private static readonly double[] BoundsSeconds = [.. ServiceTotals.LatencyBucketBoundsMs.Select(ms => ms / 1000)];

    private readonly (Counter Counter, Func<ServiceTotals, long> Value)[] _counters;
    private readonly Histogram _duration;
    private readonly Dictionary<string, ServiceTotals> _published = new(StringComparer.Ordinal);
    private readonly Lock _gate = new();

    public ServiceRedSeries(CollectorRegistry registry)
    {
        var factory = Metrics.WithCustomRegistry(registry);
        Counter Create(string name, string help) => factory.CreateCounter(name, help, "service");
        _counters =
        [
            (Create("otlpgrains_service_spans_total", "Spans received per service."), t => t.Spans),
            (Create("otlpgrains_service_requests_total", "Requests (SERVER/CONSUMER and root spans) per service."), t => t.Requests),
            (Create("otlpgrains_service_errors_total", "Failed requests per service."), t => t.Errors),
            (Create("otlpgrains_service_late_spans_total", "Spans too late (or too far ahead) for the windows; still in the totals."), t => t.LateSpans),
            (Create("otlpgrains_service_logs_total", "Log records received per service."), t => t.Logs),
            (Create("otlpgrains_service_metric_points_total", "Metric data points received per service."), t => t.MetricPoints),
        ];
        _duration = factory.CreateHistogram("otlpgrains_service_request_duration_seconds", "Request latency per service.",
            new HistogramConfiguration { LabelNames = ["service"], Buckets = BoundsSeconds });
    }

    /// <summary>Brings every series up to <paramref name="totals"/>; services no longer listed lose theirs.</summary>
    public void Update(IReadOnlyList<(string Name, ServiceTotals Totals)> totals)
    {
        ArgumentNullException.ThrowIfNull(totals);
        lock (_gate)
        {
            var listed = new HashSet<string>(StringComparer.Ordinal);
            foreach (var (service, current) in totals)
            {
                listed.Add(service);
                Publish(service, current);
            }

            foreach (var gone in _published.Keys.Where(s => !listed.Contains(s)).ToArray())
            {
                Remove(gone);
            }
        }
    }

    private void Publish(string service, ServiceTotals current)
    {
        if (_published.TryGetValue(service, out var previous) && WentDown(previous, current))
        {
            Remove(service);
            previous = null;
        }

        foreach (var (counter, value) in _counters)
        {
            counter.WithLabels(service).IncTo(value(current));
        }

        var gained = new long[BoundsSeconds.Length + 1];
        for (var i = 0; i < gained.Length; i++)
        {
            gained[i] = Count(current, i) - (previous is null ? 0 : Count(previous, i));
        }

        var sumSeconds = (current.LatencySumMs - (previous?.LatencySumMs ?? 0)) / 1000;
        var child = _duration.WithLabels(service);
        foreach (var (value, count) in HistogramReplay.Observations(BoundsSeconds, gained, sumSeconds))
        {
            child.Observe(value, count);
        }

        _published[service] = current;
    }

    private void Remove(string service)
    {
        foreach (var (counter, _) in _counters)
        {
            counter.RemoveLabelled(service);
        }

        _duration.RemoveLabelled(service);
        _published.Remove(service);
    }

    private bool WentDown(ServiceTotals previous, ServiceTotals current)
    {
        if (_counters.Any(c => c.Value(current) < c.Value(previous)))
        {
            return true;
        }

        for (var i = 0; i <= BoundsSeconds.Length; i++)
        {
            if (Count(current, i) < Count(previous, i))
            {
                return true;
            }
        }

        return false;
    }

    private static long Count(ServiceTotals totals, int bucket) =>
        bucket < totals.LatencyBucketCounts.Length ? totals.LatencyBucketCounts[bucket] : 0;
}
