using OtlpGrains.Interfaces;
using OtlpGrains.Models.Statistics;

namespace OtlpGrains.Models.Incidents;

/// <summary>
/// One incident: the anomalies of connected services that overlap in event time. It starts at the earliest onset
/// of its anomalies and resolves once its anomalies have been quiet for <see cref="IncidentOptions.ResolveAfter"/> of
/// event time. It is <see cref="Pending"/> until its anomalies span two windows (an anomaly that lasted, held or
/// not, or another one after it): a lone window's blip is no incident, as an alerting rule's <c>for</c> keeps a
/// one-scrape spike from paging. It was detected at the end of the second of its two earliest windows, whatever
/// order their events arrived in. All times are event time.
/// </summary>
[GenerateSerializer, Alias("otlpgrains.incidents.Incident")]
public sealed class Incident
{
    [Id(0)] private readonly List<IncidentService> _services = [];

    public Incident(string id, long detectedUnixNano)
    {
        Id = id;
        DetectedUnixNano = detectedUnixNano;
        StartedUnixNano = long.MaxValue;
        Pending = true;
    }

    [Id(1)] public string Id { get; private set; }

    /// <summary>The earliest onset of its anomalies.</summary>
    [Id(2)] public long StartedUnixNano { get; private set; }

    /// <summary>
    /// The end of the second of its two earliest windows: when it could first be known. While it is pending, the end
    /// of its first event's window.
    /// </summary>
    [Id(3)] public long DetectedUnixNano { get; private set; }

    /// <summary>The end of its latest anomalous window.</summary>
    [Id(4)] public long LastAnomalyEndUnixNano { get; private set; } = long.MinValue;

    /// <summary>When it resolved, or null while open.</summary>
    [Id(5)] public long? ResolvedUnixNano { get; private set; }

    /// <summary>Events taken in.</summary>
    [Id(6)] public int Events { get; private set; }

    /// <summary>
    /// The end of its latest window that crossed a threshold itself (not one only held while its signals come back):
    /// an incident whose anomalies are all held is winding down.
    /// </summary>
    [Id(7)] public long LastFreshEndUnixNano { get; private set; } = long.MinValue;

    /// <summary>
    /// True while all its events are of one window: not shown, and dropped if it resolves so. Absent (false) in
    /// incidents stored before confirmation was known.
    /// </summary>
    [Id(8)] public bool Pending { get; private set; }

    /// <summary>The start of its earliest event window, to tell a second window by.</summary>
    [Id(9)] public long FirstWindowStartUnixNano { get; private set; } = long.MinValue;

    // The end of its earliest event window, and the start and end of the next-earliest distinct one (0: none yet, or
    // an incident stored before these were kept). Confirmation is reckoned from these, in event time, so that it does
    // not depend on the order the services' events arrive in: a service whose span windows close late (few spans)
    // confirms an incident as early as its windows say, even when another service's later windows came first.
    [Id(11)] private long _firstWindowEnd;
    [Id(12)] private long _secondWindowStart;
    [Id(13)] private long _secondWindowEnd;

    /// <summary>
    /// The root causes as ranked when it resolved, kept because the services' windows behind its evidence age out
    /// (an hour) and later incidents would change its history: a resolved incident keeps the answer it gave. Null
    /// while open, and for incidents resolved before this was kept.
    /// </summary>
    [Id(10)] public RootCause[]? FinalRanking { get; private set; }

    public bool IsOpen => ResolvedUnixNano is null;

    /// <summary>Keeps the ranking a resolved incident gave (once).</summary>
    public void KeepRanking(RootCause[] ranking)
    {
        ArgumentNullException.ThrowIfNull(ranking);
        if (!IsOpen && FinalRanking is null)
        {
            FinalRanking = ranking;
        }
    }

    /// <summary>The anomalous services, in the order they joined.</summary>
    public IReadOnlyList<IncidentService> Services => _services;

    public bool Touches(string service) => _services.Exists(s => s.Name == service);

    /// <summary>Takes an anomaly event in; false when the service is new and the incident already holds the most it keeps.</summary>
    public bool Add(AnomalyEvent anomaly, long onsetUnixNano, long windowEndUnixNano, int maxServices)
    {
        ArgumentNullException.ThrowIfNull(anomaly);
        IncidentService? service = _services.Find(s => s.Name == anomaly.Service);
        if (service is null)
        {
            if (_services.Count >= maxServices)
            {
                return false;
            }

            service = new IncidentService(anomaly.Service, onsetUnixNano);
            _services.Add(service);
        }

        service.Add(anomaly, onsetUnixNano, windowEndUnixNano);
        long windowStart = UnixNanos.FromDateTimeOffset(anomaly.WindowStart);
        if (Events == 0)
        {
            FirstWindowStartUnixNano = windowStart;
            _firstWindowEnd = windowEndUnixNano;
        }
        else if (_firstWindowEnd == 0)
        {
            // Stored before the windows were kept: confirmed by the first event of another window, as it was then.
            if (Pending && windowStart != FirstWindowStartUnixNano)
            {
                Pending = false;
                DetectedUnixNano = Math.Max(DetectedUnixNano, windowEndUnixNano);
            }
        }
        else
        {
            KeepEarliestWindows(windowStart, windowEndUnixNano);
        }

        StartedUnixNano = Math.Min(StartedUnixNano, onsetUnixNano);
        LastAnomalyEndUnixNano = Math.Max(LastAnomalyEndUnixNano, windowEndUnixNano);
        if (!anomaly.Held)
        {
            LastFreshEndUnixNano = Math.Max(LastFreshEndUnixNano, windowEndUnixNano);
        }

        Events++;
        return true;
    }

    public void Resolve(long atUnixNano) => ResolvedUnixNano = atUnixNano;

    /// <summary>
    /// Keeps the two earliest distinct event windows; once there are two, the incident is confirmed at the end of the
    /// second, or earlier than it was confirmed before when an earlier window arrived late.
    /// </summary>
    private void KeepEarliestWindows(long start, long end)
    {
        if (start < FirstWindowStartUnixNano)
        {
            (_secondWindowStart, _secondWindowEnd) = (FirstWindowStartUnixNano, _firstWindowEnd);
            (FirstWindowStartUnixNano, _firstWindowEnd) = (start, end);
        }
        else if (start > FirstWindowStartUnixNano && (_secondWindowEnd == 0 || start < _secondWindowStart))
        {
            (_secondWindowStart, _secondWindowEnd) = (start, end);
        }

        if (_secondWindowEnd == 0)
        {
            return;
        }

        DetectedUnixNano = Pending ? _secondWindowEnd : Math.Min(DetectedUnixNano, _secondWindowEnd);
        Pending = false;
    }

    /// <summary>
    /// Takes another open incident in, when an anomaly showed the two to be one: its services (up to
    /// <paramref name="maxServices"/>), events and times; it was known as early as the earlier confirmed of the two,
    /// or as the two earliest windows of both confirm it.
    /// </summary>
    public void Absorb(Incident other, int maxServices)
    {
        ArgumentNullException.ThrowIfNull(other);
        foreach (IncidentService theirs in other._services)
        {
            if (_services.Find(s => s.Name == theirs.Name) is { } ours)
            {
                ours.Absorb(theirs);
            }
            else if (_services.Count < maxServices)
            {
                _services.Add(theirs);
            }
        }

        StartedUnixNano = Math.Min(StartedUnixNano, other.StartedUnixNano);

        // Confirmed as early as the earlier confirmed of the two; two pending ones of different windows confirm
        // each other now.
        if (!Pending && !other.Pending)
        {
            DetectedUnixNano = Math.Min(DetectedUnixNano, other.DetectedUnixNano);
        }
        else if (Pending && !other.Pending)
        {
            DetectedUnixNano = other.DetectedUnixNano;
            Pending = false;
        }
        else if (Pending && other.Pending && other.FirstWindowStartUnixNano != FirstWindowStartUnixNano)
        {
            DetectedUnixNano = Math.Max(DetectedUnixNano, other.DetectedUnixNano);
            Pending = false;
        }

        // One incident from the start: its two earliest windows are those of both, and they may confirm it earlier.
        if (_firstWindowEnd != 0 && other._firstWindowEnd != 0)
        {
            KeepEarliestWindows(other.FirstWindowStartUnixNano, other._firstWindowEnd);
            if (other._secondWindowEnd != 0)
            {
                KeepEarliestWindows(other._secondWindowStart, other._secondWindowEnd);
            }
        }

        LastAnomalyEndUnixNano = Math.Max(LastAnomalyEndUnixNano, other.LastAnomalyEndUnixNano);
        LastFreshEndUnixNano = Math.Max(LastFreshEndUnixNano, other.LastFreshEndUnixNano);
        Events += other.Events;
    }
}

/// <summary>One service's part in an incident: its first onset, last anomalous window, driving signals, strongest score and severity.</summary>
[GenerateSerializer, Alias("otlpgrains.incidents.IncidentService")]
public sealed class IncidentService(string name, long firstOnsetUnixNano)
{
    [Id(0)] private readonly List<string> _signals = [];

    [Id(1)] public string Name { get; private set; } = name;

    [Id(2)] public long FirstOnsetUnixNano { get; private set; } = firstOnsetUnixNano;

    [Id(3)] public long LastAnomalyEndUnixNano { get; private set; } = long.MinValue;

    [Id(4)] public double MaxScore { get; private set; }

    /// <summary><c>warning</c> or <c>critical</c>, the most severe seen.</summary>
    [Id(5)] public string Severity { get; private set; } = "warning";

    [Id(6)] public int Events { get; private set; }

    /// <summary>The signals that drove its events (<c>errorRatio</c>, <c>p99</c>, <c>template 7</c>), first seen first.</summary>
    public IReadOnlyList<string> Signals => _signals;

    /// <summary>Takes in the same service's part of another incident.</summary>
    public void Absorb(IncidentService other)
    {
        ArgumentNullException.ThrowIfNull(other);
        FirstOnsetUnixNano = Math.Min(FirstOnsetUnixNano, other.FirstOnsetUnixNano);
        LastAnomalyEndUnixNano = Math.Max(LastAnomalyEndUnixNano, other.LastAnomalyEndUnixNano);
        MaxScore = Math.Max(MaxScore, other.MaxScore);
        Severity = other.Severity == "critical" ? "critical" : Severity;
        Events += other.Events;
        foreach (string signal in other._signals)
        {
            if (_signals.Count < 16 && !_signals.Contains(signal))
            {
                _signals.Add(signal);
            }
        }
    }

    public void Add(AnomalyEvent anomaly, long onsetUnixNano, long windowEndUnixNano)
    {
        FirstOnsetUnixNano = Math.Min(FirstOnsetUnixNano, onsetUnixNano);
        LastAnomalyEndUnixNano = Math.Max(LastAnomalyEndUnixNano, windowEndUnixNano);
        MaxScore = Math.Max(MaxScore, anomaly.Score);
        Severity = anomaly.Severity == "critical" ? "critical" : Severity;
        Events++;
        foreach (string signal in anomaly.Signals)
        {
            if (_signals.Count < 16 && !_signals.Contains(signal))
            {
                _signals.Add(signal);
            }
        }
    }
}
