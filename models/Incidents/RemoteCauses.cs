using System.Globalization;
using OtlpGrains.Interfaces;

namespace OtlpGrains.Models.Incidents;

/// <summary>
/// Ranks the causes of an incident that sit in a peer cluster. The local ranking sees a peer's service only as an
/// uninstrumented dependency (a virtual node) whose calls slowed or failed; once that node is recognised as a peer's
/// service, the peer's own evidence over the incident's range is read into it by the same rules as a local service's:
/// its anomaly score, its shifted requests and edges, its code paths, metrics and error log templates. When the peer's
/// own incident ranks another of its services first, that one becomes a candidate a quarter above the service called:
/// the fault sits below it, one cluster further. Each remote cause names its cluster; a peer that did not answer leaves
/// the cause as the calls from here show it, and says so.
/// </summary>
public static class RemoteCauses
{
    private const string Uninstrumented = "an uninstrumented dependency: nothing below it is seen";

    // What a peer's own incident adds: to the service it ranks first, over the one called from here.
    private const double DeeperCause = 0.25;

    /// <summary>
    /// The causes with each one named in <paramref name="remote"/> (by the name the local ranking gave it) replaced by
    /// the peer's service and re-scored, best first.
    /// </summary>
    public static RootCause[] Apply(IReadOnlyList<RootCause> causes, IReadOnlyDictionary<string, RemoteEvidenceAnswer> remote)
    {
        ArgumentNullException.ThrowIfNull(causes);
        ArgumentNullException.ThrowIfNull(remote);
        var ranked = new List<RootCause>(causes.Count);
        foreach (RootCause cause in causes)
        {
            if (cause.Cluster is null && remote.TryGetValue(cause.Service, out RemoteEvidenceAnswer? answer))
            {
                ranked.AddRange(Remote(cause, answer));
            }
            else
            {
                ranked.Add(cause);
            }
        }

        // One cause per service and cluster: the best-scored one.
        return [.. ranked
            .GroupBy(c => (c.Cluster, c.Service))
            .Select(g => g.OrderByDescending(c => c.Score).First())
            .OrderByDescending(c => c.Score).ThenBy(c => c.Cluster, StringComparer.Ordinal).ThenBy(c => c.Service, StringComparer.Ordinal)];
    }

    private static IEnumerable<RootCause> Remote(RootCause cause, RemoteEvidenceAnswer answer)
    {
        (string cluster, string service) = (answer.Node.Cluster, answer.Node.Service);
        var evidence = cause.Evidence.Where(e => e.Summary != Uninstrumented).ToList();
        evidence.Add(new("cluster", cause.Service == service
            ? $"a service of cluster {cluster}"
            : $"a service of cluster {cluster}, called here as {cause.Service}", null, null));
        double score = cause.Score;
        if (answer.Status != ClusterStatus.Ok)
        {
            evidence.Add(new("cluster", $"cluster {cluster} did not answer ({Name(answer.Status)}: {answer.Detail}): only the calls from here show", null, null));
            yield return Named(cause, service, score, evidence, cluster);
            yield break;
        }

        if (answer.Evidence is not { Found: true } found)
        {
            evidence.Add(new("cluster", $"cluster {cluster} has not seen {service}: only the calls from here show", null, null));
            yield return Named(cause, service, score, evidence, cluster);
            yield break;
        }

        if (found.Status is "warning" or "critical")
        {
            score += found.AnomalyScore;
            evidence.Add(new("anomaly", $"in cluster {cluster}: {found.Status} (anomaly score {Format(found.AnomalyScore)})", found.AnomalyScore, null));
        }

        if (found.Evidence is { } own)
        {
            score += Shifts.Describe(own, evidence);
        }

        string? operation = found.Evidence?.Paths.FirstOrDefault(p => p.Operation is not null)?.Operation ?? cause.Operation;
        FederatedIncident? incident = found.Incidents.Where(i => i.TopCause is not null).OrderByDescending(i => i.TopScore).FirstOrDefault();
        if (incident is not null && incident.TopCause == service)
        {
            score += DeeperCause;
            evidence.Add(new("cluster", $"cluster {cluster}'s incident {incident.Id} ranks it first too", incident.TopScore, null));
        }
        else if (incident is not null)
        {
            evidence.Add(new("cluster", $"cluster {cluster}'s incident {incident.Id} ranks {incident.TopCause} first: the fault may sit below {service}", incident.TopScore, null));
            yield return new RootCause(incident.TopCause!, null, Math.Round(score + DeeperCause, 4),
            [
                new("cluster", $"a service of cluster {cluster}, below {service}, which is called from here", null, null),
                new("cluster", $"cluster {cluster}'s incident {incident.Id} (with {string.Join(", ", incident.Services)}) ranks it first (score {Format(incident.TopScore)})", incident.TopScore, null),
                .. evidence.Where(e => e.Kind == "edge" && e.Summary.StartsWith("calls from ", StringComparison.Ordinal)),
            ]) { Cluster = cluster };
        }

        yield return Named(cause, service, score, evidence, cluster) with { Operation = operation };
    }

    private static RootCause Named(RootCause cause, string service, double score, List<Evidence> evidence, string cluster) =>
        new(service, cause.Operation, Math.Round(score, 4), [.. evidence]) { Cluster = cluster };

    private static string Name(ClusterStatus status) => status.ToString().ToLowerInvariant();

    private static string Format(double value) => value.ToString("0.00", CultureInfo.InvariantCulture);
}
