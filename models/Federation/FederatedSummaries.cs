using System.Globalization;
using OtlpGrains.Interfaces;

namespace OtlpGrains.Models.Federation;

/// <summary>A service of a federated answer, named with its cluster.</summary>
public sealed record ClusterService(string Cluster, string Name, string Status, double AnomalyScore, double Rate, double ErrorRatio, double P95Ms);

/// <summary>An open incident of a federated answer, named with its cluster.</summary>
public sealed record ClusterIncident(string Cluster, string Id, DateTimeOffset StartedAt, DateTimeOffset DetectedAt, string[] Services, string? TopCause, double TopScore);

/// <summary>
/// Merges the local summary with the peers' latest copies, Thanos-style: a peer whose last pull failed adds nothing
/// (its older copy is not passed off as current) and makes the answer partial, with its status and one-line error;
/// every answered cluster says how old its copy is, and a copy older than the view's stale bound counts as a timeout
/// (a pull is hanging on a frozen peer, or none could start).
/// </summary>
public static class FederatedSummaries
{
    /// <summary>How each cluster answered (the local one first, always ok), and whether any did not.</summary>
    public static (bool Partial, ClusterAnswer[] Clusters) Answers(FederationView view)
    {
        ArgumentNullException.ThrowIfNull(view);
        var clusters = new ClusterAnswer[view.Peers.Length + 1];
        clusters[0] = new ClusterAnswer(view.Local.Cluster, ClusterStatus.Ok, null, 0);
        for (var i = 0; i < view.Peers.Length; i++)
        {
            var peer = view.Peers[i];
            double? age = peer.LastSuccess is { } at ? Math.Max(0, Math.Round((view.At - at).TotalSeconds, 3)) : null;
            clusters[i + 1] = !Answered(peer)
                ? new ClusterAnswer(peer.Name, peer.Status == ClusterStatus.Ok ? ClusterStatus.Unavailable : peer.Status, peer.LastError ?? PeerRecord.NotReachedYet, age)
                : Stale(peer, view)
                    ? new ClusterAnswer(peer.Name, ClusterStatus.Timeout, string.Create(CultureInfo.InvariantCulture, $"its summary is {age:0.#} s old: no pull came back since"), age)
                    : new ClusterAnswer(peer.Name, ClusterStatus.Ok, null, age);
        }

        return (clusters.Any(c => c.Status != ClusterStatus.Ok), clusters);
    }

    /// <summary>Every service of the clusters that answered, by cluster then name.</summary>
    public static ClusterService[] Services(FederationView view)
    {
        ArgumentNullException.ThrowIfNull(view);
        return [.. Summaries(view)
            .SelectMany(s => s.Services.Select(v => new ClusterService(s.Cluster, v.Name, v.Status, v.AnomalyScore, v.Rate, v.ErrorRatio, v.P95Ms)))
            .OrderBy(s => s.Cluster, StringComparer.Ordinal).ThenBy(s => s.Name, StringComparer.Ordinal)];
    }

    /// <summary>Every open incident of the clusters that answered, newest first.</summary>
    public static ClusterIncident[] Incidents(FederationView view)
    {
        ArgumentNullException.ThrowIfNull(view);
        return [.. Summaries(view)
            .SelectMany(s => s.Incidents.Select(i => new ClusterIncident(s.Cluster, i.Id, i.StartedAt, i.DetectedAt, i.Services, i.TopCause, i.TopScore)))
            .OrderByDescending(i => i.StartedAt).ThenBy(i => i.Cluster, StringComparer.Ordinal)];
    }

    // A peer's copy carries the peer's configured name: the name this cluster knows it by, whatever it calls itself.
    private static IEnumerable<ClusterSummary> Summaries(FederationView view) =>
        view.Peers.Where(p => Answered(p) && !Stale(p, view)).Select(p => p.Latest! with { Cluster = p.Name }).Prepend(view.Local);

    private static bool Stale(PeerState peer, FederationView view) => peer.LastSuccess is { } at && view.At - at > view.StaleAfter;

    private static bool Answered(PeerState peer) => peer.Status == ClusterStatus.Ok && peer.Latest is not null;
}
