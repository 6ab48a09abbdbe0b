using OtlpGrains.Interfaces;
using Prometheus;

namespace OtlpGrains.Gateway.Api;

/// <summary>
/// Where detection stands on <c>/metrics</c>, read once per scrape like the RED series and as cluster-wide:
/// per service, the score and severity of its last closed span window, and the incidents open now.
/// </summary>
/// <remarks>
/// Gauges of the current verdict rather than counters of events: a verdict is there for every service from its
/// first scrape (0, ok), so a dashboard and an alert see a service go from ok to critical without waiting for a
/// first event; and a counter would count the windows a replay scores again.
/// </remarks>
internal sealed class DetectionSeries
{
    private readonly Gauge _score;
    private readonly Gauge _severity;
    private readonly Gauge _openIncidents;
    private readonly HashSet<string> _published = new(StringComparer.Ordinal);
    private readonly Lock _gate = new();

    public DetectionSeries(CollectorRegistry registry)
    {
        var factory = Metrics.WithCustomRegistry(registry);
        _score = factory.CreateGauge("otlpgrains_service_anomaly_score", "Anomaly score (0 to 1) of the service's last closed span window.", "service");
        _severity = factory.CreateGauge("otlpgrains_service_anomaly_severity", "Verdict on the service's last closed span window: 0 ok, 1 warning, 2 critical.", "service");
        _openIncidents = factory.CreateGauge("otlpgrains_incidents_open", "Incidents open now in the cluster.");
    }

    /// <summary>The severity's value on the gauge: ok 0, warning 1, critical 2.</summary>
    public static double SeverityValue(string status) => status switch
    {
        "critical" => 2,
        "warning" => 1,
        _ => 0,
    };

    /// <summary>Sets every service's verdict; services no longer listed lose their series.</summary>
    public void Update(IReadOnlyList<(string Name, AnomalyStatus Detection)> verdicts)
    {
        ArgumentNullException.ThrowIfNull(verdicts);
        lock (_gate)
        {
            var listed = new HashSet<string>(StringComparer.Ordinal);
            foreach (var (service, detection) in verdicts)
            {
                listed.Add(service);
                _score.WithLabels(service).Set(detection.Score);
                _severity.WithLabels(service).Set(SeverityValue(detection.Status));
                _published.Add(service);
            }

            foreach (var gone in _published.Where(s => !listed.Contains(s)).ToArray())
            {
                _score.RemoveLabelled(gone);
                _severity.RemoveLabelled(gone);
                _published.Remove(gone);
            }
        }
    }

    public void OpenIncidents(int count) => _openIncidents.Set(count);
}
