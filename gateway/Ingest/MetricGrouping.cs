using OtlpGrains.Interfaces;

namespace OtlpGrains.Gateway.Ingest;

/// <summary>
/// Collects the accepted data points of one metrics request per service, each metric name written once per
/// service. One per thread, reused across requests.
/// </summary>
internal sealed class MetricGrouping : IReusable
{
    private const int MaxKeptPoints = 16_384;

    private readonly Dictionary<string, int> _serviceIndex = new(StringComparer.Ordinal);
    private readonly List<ServicePoints> _services = [];
    private int _serviceCount;

    public int Accepted { get; private set; }

    public int Rejected { get; private set; }

    public string? RejectReason { get; private set; }

    public void Reject(int points, string reason)
    {
        Rejected += points;
        RejectReason ??= reason;
    }

    /// <summary>The index of a service's points, created with its first accepted point.</summary>
    public int Service(string name)
    {
        if (_serviceIndex.TryGetValue(name, out var index))
        {
            return index;
        }

        index = _serviceCount++;
        if (index == _services.Count)
        {
            _services.Add(new ServicePoints());
        }

        _services[index].Name = name;
        _serviceIndex.Add(name, index);
        return index;
    }

    /// <summary>The index of <paramref name="metric"/> among the service's names.</summary>
    public int Name(int service, string metric) => _services[service].NameIndex(metric);

    public void Add(int service, MetricPoint point)
    {
        _services[service].Points.Add(point);
        Accepted++;
    }

    public SignalIngestPlan<ServiceMetricBatch> Build(Guid batchId)
    {
        var batches = new KeyValuePair<string, ServiceMetricBatch>[_serviceCount];
        for (int i = 0; i < batches.Length; i++)
        {
            var service = _services[i];
            batches[i] = new(service.Name, new ServiceMetricBatch(batchId, [.. service.Names], [.. service.Points]));
        }

        return new SignalIngestPlan<ServiceMetricBatch>(batches, Accepted, Rejected, RejectReason);
    }

    public bool Clear()
    {
        bool keep = _services.Count <= 1024;
        for (int i = 0; i < _serviceCount; i++)
        {
            keep &= _services[i].Clear();
        }

        _serviceIndex.Clear();
        _serviceCount = 0;
        Accepted = 0;
        Rejected = 0;
        RejectReason = null;
        return keep;
    }

    private sealed class ServicePoints
    {
        private readonly Dictionary<string, int> _nameIndex = new(StringComparer.Ordinal);

        public string Name { get; set; } = "";

        public List<string> Names { get; } = [];

        public List<MetricPoint> Points { get; } = [];

        public int NameIndex(string metric)
        {
            if (!_nameIndex.TryGetValue(metric, out var index))
            {
                index = Names.Count;
                _nameIndex.Add(metric, index);
                Names.Add(metric);
            }

            return index;
        }

        public bool Clear()
        {
            bool keep = Points.Capacity <= MaxKeptPoints && Names.Count <= MaxKeptPoints;
            _nameIndex.Clear();
            Names.Clear();
            Points.Clear();
            return keep;
        }
    }
}
