using OtlpGrains.Interfaces;

namespace OtlpGrains.Gateway.Ingest;

/// <summary>
/// Collects the accepted records of one logs request per service, counts the rejected and the cut ones, and lists
/// the traces of error records once each. One per thread, reused across requests.
/// </summary>
internal sealed class LogGrouping : IReusable
{
    private const int MaxKeptRecords = 16_384;

    private readonly Dictionary<string, int> _serviceIndex = new(StringComparer.Ordinal);
    private readonly List<(string Name, List<LogLine> Lines)> _services = [];
    private readonly List<List<LogLine>> _spareLists = [];
    private readonly HashSet<TraceKey> _errorTraces = [];
    private readonly List<TraceKey> _errorTraceOrder = [];

    public int Accepted { get; private set; }

    public int Rejected { get; private set; }

    public int Cut { get; private set; }

    public string? RejectReason { get; private set; }

    public void Reject(string reason)
    {
        Rejected++;
        RejectReason ??= reason;
    }

    /// <summary>The index of a service's records, created with its first accepted record.</summary>
    public int Service(string name)
    {
        if (_serviceIndex.TryGetValue(name, out var index))
        {
            return index;
        }

        index = _services.Count;
        List<LogLine> lines;
        if (_spareLists.Count > 0)
        {
            lines = _spareLists[^1];
            _spareLists.RemoveAt(_spareLists.Count - 1);
        }
        else
        {
            lines = [];
        }

        _services.Add((name, lines));
        _serviceIndex.Add(name, index);
        return index;
    }

    public void Add(int service, LogLine line, bool wasCut)
    {
        _services[service].Lines.Add(line);
        if (line.HasTrace && line.SeverityNumber >= OtlpGrains.Models.Detection.LogDetection.ErrorSeverity
            && _errorTraces.Add(new TraceKey(line.TraceIdHigh, line.TraceIdLow)))
        {
            _errorTraceOrder.Add(new TraceKey(line.TraceIdHigh, line.TraceIdLow));
        }

        Cut += wasCut ? 1 : 0;
        Accepted++;
    }

    public SignalIngestPlan<ServiceLogBatch> Build(Guid batchId)
    {
        var batches = new KeyValuePair<string, ServiceLogBatch>[_services.Count];
        for (int i = 0; i < batches.Length; i++)
        {
            batches[i] = new(_services[i].Name, new ServiceLogBatch(batchId, [.. _services[i].Lines]));
        }

        return new SignalIngestPlan<ServiceLogBatch>(batches, Accepted, Rejected, RejectReason)
        {
            Cut = Cut,
            ErrorTraces = [.. _errorTraceOrder],
        };
    }

    public bool Clear()
    {
        bool keep = _services.Count <= 1024 && _errorTraceOrder.Count <= MaxKeptRecords;
        foreach (var (_, lines) in _services)
        {
            bool small = lines.Capacity <= MaxKeptRecords;
            lines.Clear();
            if (small && keep)
            {
                _spareLists.Add(lines);
            }
        }

        _services.Clear();
        _serviceIndex.Clear();
        _errorTraces.Clear();
        _errorTraceOrder.Clear();
        Accepted = 0;
        Rejected = 0;
        Cut = 0;
        RejectReason = null;
        return keep;
    }
}
