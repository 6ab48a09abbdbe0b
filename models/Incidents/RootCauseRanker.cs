using System.Globalization;
using OtlpGrains.Interfaces;
using OtlpGrains.Models.Detection;
using OtlpGrains.Models.Statistics;

namespace OtlpGrains.Models.Incidents;

/// <summary>
/// Ranks an incident's anomalous services as root causes with a transparent rule over the service graph: a fault
/// shows where the anomaly bottoms out. A service is explained by an anomalous callee when that callee's own
/// anomaly can travel up a call (errors, latency, an error log template or a saturated resource, not a mere change of traffic, which is
/// what a failing caller does to its callees), began no more than 30 s after the service's (a cause comes first), and,
/// when evidence is given, shows a shift over the incident (not a passing blip, which loses a half instead). Each service's score is its strongest anomaly score, plus one when no
/// anomalous callee explains it, plus half the share of the incident's other services it explains (its callers, up
/// the graph), plus a quarter when its onset is the incident's earliest and some of the others call it (a lone early
/// blip beside the fault is a coincidence); a service whose anomaly is only its traffic gets neither graph term and
/// loses a half. With evidence from the services' windows (<see cref="ServiceEvidence"/>),
/// an uninstrumented dependency whose calls slowed or failed explains its callers and becomes a candidate itself
/// (unless every edge of the caller shifted, which points at the caller), a surging ERROR log template adds a
/// quarter, a changed code path up to one, a moved metric series up to a half, a saturated resource (<see cref="SaturationDetection"/>) a half, and the shifts are spelled out. A service
/// anomalous in a large share of recent other incidents loses that share: it is anomalous whatever the cause. Each
/// score comes with the evidence that made it, in words.
/// </summary>
public static class RootCauseRanker
{
    private static readonly string[] Travelling = ["errorRatio", "p50", "p95", "p99"];

    private const string SaturationPrefix = Saturation.SignalPrefix;

    // How much later than its caller's a callee's anomaly may begin and still explain it: detection of the two can
    // lag by a window or two.
    private const long ExplainLeadNanos = 30_000_000_000;

    // Other incidents needed before a service's share of them counts against it.
    private const int MinPrevalenceIncidents = 5;

    /// <summary>
    /// The incident's services ranked best first. <paramref name="callees"/> gives a service's direct callees (its
    /// outgoing edges) in the service graph.
    /// <paramref name="prevalence"/>, when given, is in how many of recent other incidents a service was anomalous, out
    /// of how many: a service that is anomalous in most incidents says little about this one.
    /// </summary>
    public static RootCause[] Rank(
        Incident incident,
        Func<string, IReadOnlyCollection<string>> callees,
        Func<string, ServiceEvidence?>? evidenceOf = null,
        Func<string, (int Seen, int Of)>? prevalence = null)
    {
        ArgumentNullException.ThrowIfNull(incident);
        ArgumentNullException.ThrowIfNull(callees);
        evidenceOf ??= static _ => null;
        prevalence ??= static _ => (0, 0);

        // Without evidence every anomaly counts; with it, only one whose range shows a shift.
        bool Sustained(string name) => evidenceOf(name) is not { } found || Shifts.Sustained(found);
        var anomalous = incident.Services.ToDictionary(s => s.Name, StringComparer.Ordinal);
        long earliest = incident.Services.Count == 0 ? 0 : incident.Services.Min(s => s.FirstOnsetUnixNano);
        var causes = new List<RootCause>(incident.Services.Count);
        foreach (IncidentService service in incident.Services)
        {
            var evidence = new List<Evidence>
            {
                new("anomaly", $"{string.Join(", ", service.Signals)} anomalous ({service.Severity}, score {Format(service.MaxScore)}) from {Time(service.FirstOnsetUnixNano)}", service.MaxScore, null),
            };
            double score = service.MaxScore;

            if (!Travels(service))
            {
                // A traffic change alone cannot travel up a call: it explains none of the others.
                score -= 0.5;
                evidence.Add(new("anomaly", "only its traffic changed, which a failing caller can cause", null, null));
            }
            else if (!Sustained(service.Name))
            {
                // An anomalous window or two whose range shows nothing: a passing blip, not where the incident starts.
                score -= 0.5;
                evidence.Add(new("anomaly", "over the incident its requests, edges, code paths, metrics and error logs show no shift: a passing blip", null, null));
            }
            else
            {
                score += CallGraphScore(service, incident, anomalous, callees, Sustained, SlowerDependencies(evidenceOf(service.Name)), evidence);
            }

            if (evidenceOf(service.Name) is { } found)
            {
                score += Shifts.Describe(found, evidence);
            }

            score += SaturatedResources(service, evidence);

            (int seen, int of) = prevalence(service.Name);
            if (of >= MinPrevalenceIncidents && seen > 0)
            {
                double share = (double)seen / of;
                score -= share;
                evidence.Add(new("history", $"anomalous in {seen} of the last {of} other incidents: often anomalous, so weaker evidence here", seen, of));
            }

            if (service.FirstOnsetUnixNano == earliest)
            {
                // Beginning first says "cause" only when the others could have caught it: some of them call it.
                if (incident.Services.Count == 1 || Explains(service.Name, anomalous, callees) > 0)
                {
                    score += 0.25;
                    evidence.Add(new("onset", $"its anomaly began first, at {Time(service.FirstOnsetUnixNano)}", null, null));
                }
                else
                {
                    evidence.Add(new("onset", $"its anomaly began first, at {Time(service.FirstOnsetUnixNano)}, but none of the incident's other services calls it, directly or not", null, null));
                }
            }

            // The operation, when the strongest evidence names one: the span whose code path changed.
            string? operation = evidenceOf(service.Name)?.Paths.FirstOrDefault(p => p.Operation is not null)?.Operation;
            causes.Add(new RootCause(service.Name, operation, Math.Round(score, 4), [.. evidence]));
        }

        causes.AddRange(Dependencies(incident, evidenceOf));
        return [.. causes.OrderByDescending(c => c.Score).ThenBy(c => c.Service, StringComparer.Ordinal)];
    }

    // Uninstrumented dependencies (databases, caches, external APIs: virtual nodes) whose calls from the incident's
    // services got slower or failed more: each a candidate, since no anomaly of its own can show.
    private static IEnumerable<RootCause> Dependencies(Incident incident, Func<string, ServiceEvidence?> evidenceOf)
    {
        var callers = new Dictionary<string, List<(string Caller, ShiftStats Stats)>>(StringComparer.Ordinal);
        foreach (IncidentService service in incident.Services)
        {
            foreach (EdgeShift edge in TrustedCallees(evidenceOf(service.Name)))
            {
                if (edge.Virtual && Shifts.Shifted(edge.Stats))
                {
                    (callers.TryGetValue(edge.Server, out var list) ? list : callers[edge.Server] = []).Add((service.Name, edge.Stats));
                }
            }
        }

        foreach ((string dependency, List<(string Caller, ShiftStats Stats)> seen) in callers)
        {
            double strength = seen.Max(c => Shifts.Strength(c.Stats));
            var evidence = seen.Select(c => new Evidence("edge", $"calls from {c.Caller}: {Shifts.Summary(c.Stats)}", c.Stats.P99Ms, c.Stats.BaselineP99Ms)).ToList();
            evidence.Add(new("callees", "an uninstrumented dependency: nothing below it is seen", null, null));
            double share = incident.Services.Count == 0 ? 0 : (double)seen.Count / incident.Services.Count;
            yield return new RootCause(dependency, null, Math.Round(strength + 1 + (0.5 * share), 4), [.. evidence]);
        }
    }

    private static string[] SlowerDependencies(ServiceEvidence? evidence) =>
        [.. TrustedCallees(evidence).Where(e => e.Virtual && Shifts.Shifted(e.Stats)).Select(e => e.Server)];

    // Client-side edge latency is measured in the caller: when every one of two or more edges of a service shifted,
    // the caller itself (its CPU, its network) is the likelier cause, so its edges blame no dependency.
    private static EdgeShift[] TrustedCallees(ServiceEvidence? evidence)
    {
        EdgeShift[] callees = evidence?.Callees ?? [];
        return callees.Length >= 2 && callees.All(e => Shifts.Shifted(e.Stats)) ? [] : callees;
    }

    // One when no anomalous callee explains the service, plus half the share of the others it explains.
    private static double CallGraphScore(
        IncidentService service,
        Incident incident,
        Dictionary<string, IncidentService> anomalous,
        Func<string, IReadOnlyCollection<string>> callees,
        Func<string, bool> sustained,
        string[] slowerDependencies,
        List<Evidence> evidence)
    {
        double score = 0;
        string[] explaining = [.. callees(service.Name).Where(c => anomalous.TryGetValue(c, out var callee) && Travels(callee) && CanCause(callee, service) && sustained(c))
            .Concat(slowerDependencies).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal)];
        if (explaining.Length == 0)
        {
            score += 1;
            int calleeCount = callees(service.Name).Count;
            evidence.Add(new("callees", calleeCount == 0
                ? "calls no other service: the anomaly starts here"
                : $"none of its {calleeCount} callees is anomalous in a way that travels up a call: the anomaly starts here", 0, calleeCount));
        }
        else
        {
            evidence.Add(new("callees", $"its callee{(explaining.Length > 1 ? "s" : "")} {string.Join(", ", explaining)} {(explaining.Length > 1 ? "are" : "is")} anomalous too, and may explain it", explaining.Length, null));
        }

        int explained = Explains(service.Name, anomalous, callees);
        if (incident.Services.Count > 1 && explained > 0)
        {
            score += 0.5 * explained / (incident.Services.Count - 1);
            evidence.Add(new("callers", $"{explained} of the incident's other {incident.Services.Count - 1} services call it, directly or not", explained, incident.Services.Count - 1));
        }

        return score;
    }

    // A saturated resource (the USE method) slows whatever the service does, and its callers with it: half a point.
    private static double SaturatedResources(IncidentService service, List<Evidence> evidence)
    {
        string[] saturated = [.. service.Signals.Where(s => s.StartsWith(SaturationPrefix, StringComparison.Ordinal)).Select(s => s[SaturationPrefix.Length..])];
        if (saturated.Length == 0)
        {
            return 0;
        }

        evidence.Add(new("saturation", $"{string.Join(", ", saturated)} at {Shifts.Percent(SaturationDetection.SaturatedAt)} of {(saturated.Length > 1 ? "their limits" : "its limit")} or more: a saturated resource slows all the service does", SaturationDetection.SaturatedAt, null));
        return 0.5;
    }

    // A cause comes first: an anomaly that began more than ExplainLead after another's cannot explain it.
    private static bool CanCause(IncidentService cause, IncidentService effect) =>
        cause.FirstOnsetUnixNano <= effect.FirstOnsetUnixNano + ExplainLeadNanos;

    // True when the service's anomaly is of a kind that travels up a call to its callers.
    private static bool Travels(IncidentService service) =>
        service.Signals.Any(s => Travelling.Contains(s, StringComparer.Ordinal) || s.StartsWith("template ", StringComparison.Ordinal) || s.StartsWith("pattern ", StringComparison.Ordinal) ||
            s.StartsWith(SaturationPrefix, StringComparison.Ordinal));

    // How many other anomalous services reach this one through calls (its callers, transitively, within the incident).
    private static int Explains(string service, Dictionary<string, IncidentService> anomalous, Func<string, IReadOnlyCollection<string>> callees)
    {
        int count = 0;
        foreach (string other in anomalous.Keys)
        {
            if (other != service && CanCause(anomalous[service], anomalous[other]) && Reaches(other, service, anomalous, callees))
            {
                count++;
            }
        }

        return count;
    }

    // Breadth-first through anomalous services only: a caller's anomaly reaches it through anomalous hops.
    private static bool Reaches(string from, string to, Dictionary<string, IncidentService> anomalous, Func<string, IReadOnlyCollection<string>> callees)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal) { from };
        var queue = new Queue<string>([from]);
        while (queue.Count > 0)
        {
            foreach (string callee in callees(queue.Dequeue()))
            {
                if (callee == to)
                {
                    return true;
                }

                if (anomalous.ContainsKey(callee) && seen.Add(callee))
                {
                    queue.Enqueue(callee);
                }
            }
        }

        return false;
    }

    private static string Format(double value) => value.ToString("0.00", CultureInfo.InvariantCulture);

    private static string Time(long unixNano) => UnixNanos.ToDateTimeOffset(unixNano).ToString("HH:mm:ss", CultureInfo.InvariantCulture);
}
