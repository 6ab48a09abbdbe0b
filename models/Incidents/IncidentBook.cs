using OtlpGrains.Interfaces;
using OtlpGrains.Models.Statistics;

namespace OtlpGrains.Models.Incidents;

/// <summary>
/// Groups anomaly events into incidents. An event joins an open incident when it overlaps the incident in event
/// time (its window starts at most <see cref="IncidentOptions.JoinGap"/> after the incident's last anomalous window
/// ended) and its service is in the incident or connected to one of its services (the caller's graph decides);
/// otherwise it opens a new incident. When an event connects an incident to other open ones it overlaps (a service
/// that bridges two parts of the graph arrived), they become one: the earliest detected takes the others in, and
/// their ids keep leading to it. An incident winding down (its anomalies only held for
/// <see cref="IncidentOptions.WindingDownAfter"/>) takes no new service's fresh anomaly, and a held anomaly joins the
/// incident of its service without merging any: neither is news of a connection. Events already taken (a replay after
/// a crash publishes again) are ignored by id. An incident resolves once the watermark passes its last anomalous window by
/// <see cref="IncidentOptions.ResolveAfter"/>. An incident is pending until its anomalies span two windows
/// (<see cref="Incident.Pending"/>); one that resolves pending is dropped. Bounded: open and resolved incidents, and
/// the ids remembered.
/// </summary>
[GenerateSerializer, Alias("otlpgrains.incidents.IncidentBook")]
public sealed class IncidentBook
{
    // Event ids remembered to drop duplicates.
    private const int RememberedEvents = 4096;

    [Id(0)] private readonly List<Incident> _open = [];
    [Id(1)] private readonly List<Incident> _resolved = [];
    [Id(2)] private readonly Queue<string> _recentIds = new();
    [Id(3)] private readonly HashSet<string> _recent = new(StringComparer.Ordinal);
    [Id(4)] private readonly Dictionary<string, string> _mergedInto = new(StringComparer.Ordinal);
    [Id(5)] private readonly Queue<string> _mergedOrder = new();

    public IReadOnlyList<Incident> Open => _open;

    /// <summary>Resolved incidents, oldest first.</summary>
    public IReadOnlyList<Incident> Resolved => _resolved;

    /// <summary>
    /// Takes one anomaly event in. Returns the incident it started or joined, or null for a duplicate or an event the
    /// bounds leave out; <paramref name="opened"/> is true when the incident became shown with it (confirmed, no
    /// longer <see cref="Incident.Pending"/>), and the returned incident may still be pending.
    /// </summary>
    public Incident? Add(AnomalyEvent anomaly, Func<string, string, bool> connected, IncidentOptions options, out bool opened)
    {
        ArgumentNullException.ThrowIfNull(anomaly);
        ArgumentNullException.ThrowIfNull(connected);
        ArgumentNullException.ThrowIfNull(options);
        opened = false;
        if (!Remember(anomaly.Id))
        {
            return null;
        }

        long start = UnixNanos.FromDateTimeOffset(anomaly.WindowStart);
        long end = UnixNanos.FromDateTimeOffset(anomaly.WindowEnd);
        long onset = anomaly.Onset == default ? start : Math.Min(start, UnixNanos.FromDateTimeOffset(anomaly.Onset));
        long gap = options.JoinGap.Ticks * 100;
        long windingDown = options.WindingDownAfter.Ticks * 100;
        Incident? joined = null;
        var matching = new List<Incident>();
        foreach (Incident incident in _open)
        {
            bool overlaps = start <= incident.LastAnomalyEndUnixNano + gap && end >= incident.StartedUnixNano - gap;
            bool touches = incident.Touches(anomaly.Service);
            bool heldOnly = incident.LastAnomalyEndUnixNano > incident.LastFreshEndUnixNano && incident.LastFreshEndUnixNano < start - windingDown;
            bool takesNewServices = anomaly.Held || !heldOnly;
            if (overlaps && (touches || (takesNewServices && incident.Services.Any(s => connected(s.Name, anomaly.Service)))))
            {
                matching.Add(incident);

                // The incident this service is already in wins; else the earliest.
                if (joined is null || (touches && !joined.Touches(anomaly.Service)))
                {
                    joined = incident;
                }
            }
        }

        if (anomaly.Held && joined is not null && joined.Touches(anomaly.Service))
        {
            matching = [joined];
        }

        bool shownBefore = matching.Exists(i => !i.Pending);
        if (matching.Count > 1)
        {
            joined = Merge(matching, options);
        }

        if (joined is null)
        {
            if (_open.Count >= options.MaxOpen)
            {
                Close(_open[0], end, options);
            }

            joined = new Incident(IdOf(anomaly.Service, onset), end);
            _open.Add(joined);
        }

        if (!joined.Add(anomaly, onset, end, options.MaxServices))
        {
            return null;
        }

        opened = !shownBefore && !joined.Pending;
        return joined;
    }

    /// <summary>
    /// The open incidents an event overlaps in event time but is not connected to: where a stale service graph would
    /// open a second incident for one fault.
    /// </summary>
    public List<Incident> OverlappingUnconnected(AnomalyEvent anomaly, Func<string, string, bool> connected, IncidentOptions options)
    {
        ArgumentNullException.ThrowIfNull(anomaly);
        ArgumentNullException.ThrowIfNull(connected);
        ArgumentNullException.ThrowIfNull(options);
        long start = UnixNanos.FromDateTimeOffset(anomaly.WindowStart);
        long end = UnixNanos.FromDateTimeOffset(anomaly.WindowEnd);
        long gap = options.JoinGap.Ticks * 100;
        List<Incident> overlapping = [.. _open.Where(i => start <= i.LastAnomalyEndUnixNano + gap && end >= i.StartedUnixNano - gap)];
        return overlapping.Any(i => i.Touches(anomaly.Service) || i.Services.Any(s => connected(s.Name, anomaly.Service))) ? [] : overlapping;
    }

    /// <summary>
    /// Resolves the open incidents whose anomalies have been quiet long enough by <paramref name="watermarkUnixNano"/>,
    /// and returns the confirmed ones among them (the pending ones are dropped).
    /// </summary>
    public List<Incident> Advance(long watermarkUnixNano, IncidentOptions options)
    {
        var resolved = new List<Incident>();
        foreach (Incident incident in _open.ToArray())
        {
            if (Resolve(incident, watermarkUnixNano, options) && !incident.Pending)
            {
                resolved.Add(incident);
            }
        }

        return resolved;
    }

    /// <summary>
    /// Resolves one open incident when its anomalies have been quiet long enough by <paramref name="watermarkUnixNano"/>
    /// (the watermark of its own services); true when it did.
    /// </summary>
    public bool Resolve(Incident incident, long watermarkUnixNano, IncidentOptions options)
    {
        ArgumentNullException.ThrowIfNull(incident);
        ArgumentNullException.ThrowIfNull(options);
        long quiet = options.ResolveAfter.Ticks * 100;
        if (!incident.IsOpen || watermarkUnixNano < incident.LastAnomalyEndUnixNano + quiet)
        {
            return false;
        }

        Close(incident, incident.LastAnomalyEndUnixNano + quiet, options);
        return true;
    }

    /// <summary>
    /// For each service, in how many of the <paramref name="recent"/> latest incidents that started before
    /// <paramref name="except"/> it was anomalous, and how many incidents that was out of; counted once. Only those
    /// before it: an incident's ranking does not change with what came after it.
    /// </summary>
    public Func<string, (int Seen, int Of)> Prevalence(Incident except, int recent)
    {
        ArgumentNullException.ThrowIfNull(except);
        Incident[] others = [.. _open.Concat(_resolved)
            .Where(i => i != except && !i.Pending && i.StartedUnixNano < except.StartedUnixNano)
            .OrderByDescending(i => i.StartedUnixNano)
            .Take(recent)];
        var seen = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (IncidentService service in others.SelectMany(i => i.Services))
        {
            seen[service.Name] = seen.GetValueOrDefault(service.Name) + 1;
        }

        return service => (seen.GetValueOrDefault(service), others.Length);
    }

    /// <summary>The incident of that id, open or kept; an id merged into another leads to that one.</summary>
    public Incident? Find(string id)
    {
        ArgumentNullException.ThrowIfNull(id);
        string current = _mergedInto.GetValueOrDefault(id) ?? id;
        return _open.Find(i => i.Id == current) ?? _resolved.Find(i => i.Id == current);
    }

    // The earliest detected of the confirmed incidents (else of the pending ones) takes the others in; their ids lead
    // to it from then on.
    private Incident Merge(List<Incident> incidents, IncidentOptions options)
    {
        Incident survivor = incidents.MinBy(i => (i.Pending, i.DetectedUnixNano, i.Id))!;
        foreach (Incident other in incidents.Where(i => i != survivor))
        {
            survivor.Absorb(other, options.MaxServices);
            _open.Remove(other);
            foreach (string id in _mergedInto.Where(m => m.Value == other.Id).Select(m => m.Key).ToArray())
            {
                _mergedInto[id] = survivor.Id;
            }

            _mergedInto[other.Id] = survivor.Id;
            _mergedOrder.Enqueue(other.Id);
            while (_mergedOrder.Count > RememberedEvents)
            {
                _mergedInto.Remove(_mergedOrder.Dequeue());
            }
        }

        return survivor;
    }

    /// <summary>A readable, deterministic id: the onset (UTC, to the second) and a hash of the first service.</summary>
    public static string IdOf(string service, long onsetUnixNano)
    {
        ArgumentNullException.ThrowIfNull(service);
        ulong hash = 14695981039346656037UL;
        foreach (char c in service)
        {
            hash = (hash ^ c) * 1099511628211UL;
        }

        return $"inc-{UnixNanos.ToDateTimeOffset(onsetUnixNano):yyyyMMdd'T'HHmmss}-{hash & 0xFFFFFFFF:x8}";
    }

    private void Close(Incident incident, long atUnixNano, IncidentOptions options)
    {
        incident.Resolve(atUnixNano);
        _open.Remove(incident);
        if (incident.Pending)
        {
            // A lone window's blip: never shown, and not kept.
            return;
        }

        _resolved.Add(incident);
        while (_resolved.Count > options.KeptResolved)
        {
            _resolved.RemoveAt(0);
        }
    }

    private bool Remember(string id)
    {
        if (!_recent.Add(id))
        {
            return false;
        }

        _recentIds.Enqueue(id);
        while (_recentIds.Count > RememberedEvents)
        {
            _recent.Remove(_recentIds.Dequeue());
        }

        return true;
    }
}
