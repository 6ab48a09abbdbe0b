using System.Net;
using OtlpGrains.Interfaces;

namespace OtlpGrains.Models.Federation;

/// <summary>
/// An explicit mapping of the names a peer's services go by in client spans (<c>peer.service</c> or
/// <c>server.address</c>) to that peer: <see cref="Match"/> is an exact name or a <c>*.suffix</c> pattern, and
/// <see cref="Service"/>, when set, names the service; without it the service is the name itself (exact) or the
/// name's first DNS label (pattern), as a Kubernetes Service name is.
/// </summary>
public sealed record RemoteNameRule(string Cluster, string Match, string? Service)
{
    /// <summary>
    /// Reads a rule written <c>MATCH</c> or <c>MATCH=SERVICE</c>; null with a one-line reason when it is malformed.
    /// </summary>
    public static RemoteNameRule? Parse(string cluster, string text, out string? problem)
    {
        ArgumentNullException.ThrowIfNull(text);
        problem = null;
        var equals = text.IndexOf('=', StringComparison.Ordinal);
        var match = (equals < 0 ? text : text[..equals]).Trim();
        var service = equals < 0 ? null : text[(equals + 1)..].Trim();
        var pattern = match.StartsWith("*.", StringComparison.Ordinal) ? match[2..] : match;
        if (pattern.Length == 0 || pattern.Contains('*', StringComparison.Ordinal) || pattern.Contains(' ', StringComparison.Ordinal))
        {
            problem = $"'{text}' is not a name or a *.suffix pattern (optionally =SERVICE)";
            return null;
        }

        if (service is { Length: 0 })
        {
            problem = $"'{text}' names no service after '='";
            return null;
        }

        return new RemoteNameRule(cluster, match, service);
    }

    /// <summary>The remote node <paramref name="name"/> means by this rule; null when it does not match.</summary>
    public RemoteNode? Apply(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        if (Match.StartsWith("*.", StringComparison.Ordinal))
        {
            return name.Length > Match.Length - 1 && name.EndsWith(Match[1..], StringComparison.OrdinalIgnoreCase)
                ? new RemoteNode(Cluster, Service ?? RemoteNodes.FirstLabel(name))
                : null;
        }

        return string.Equals(name, Match, StringComparison.OrdinalIgnoreCase) ? new RemoteNode(Cluster, Service ?? name) : null;
    }
}

/// <summary>
/// Recognises the virtual nodes of this cluster's graph (client spans whose server side sent no span here) that are a
/// peer's services, in this order: an explicit rule; the name as a service of exactly one peer (<c>peer.service</c>,
/// or a <c>server.address</c> that is the bare service name); a host name whose first label is a service of exactly
/// one peer (<c>payments.us.svc.cluster.local</c>). A name that a local service has, or that several peers have, stays
/// virtual: guessing a cluster would draw an edge that may not exist.
/// </summary>
public sealed class RemoteNodes
{
    private readonly IReadOnlyList<RemoteNameRule> _rules;
    private readonly Dictionary<string, string?> _owner = new(StringComparer.Ordinal);
    private readonly HashSet<string> _local;

    /// <param name="rules">The explicit rules, tried in order.</param>
    /// <param name="peerServices">Each peer's services, from its latest summary.</param>
    /// <param name="localServices">This cluster's own services.</param>
    public RemoteNodes(IReadOnlyList<RemoteNameRule> rules, IEnumerable<(string Cluster, IEnumerable<string> Services)> peerServices, IEnumerable<string> localServices)
    {
        ArgumentNullException.ThrowIfNull(rules);
        ArgumentNullException.ThrowIfNull(peerServices);
        _rules = rules;
        _local = new HashSet<string>(localServices, StringComparer.Ordinal);
        foreach (var (cluster, services) in peerServices)
        {
            foreach (var service in services)
            {
                // A name two peers share has no one owner: null marks it ambiguous.
                _owner[service] = _owner.TryGetValue(service, out var owner) && owner != cluster ? null : cluster;
            }
        }
    }

    /// <summary>The peer's service that <paramref name="name"/> (a virtual node) is; null when it is none, or unclear.</summary>
    public RemoteNode? Resolve(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        foreach (var rule in _rules)
        {
            if (rule.Apply(name) is { } mapped)
            {
                return mapped;
            }
        }

        if (_local.Contains(name))
        {
            return null;
        }

        if (_owner.TryGetValue(name, out var owner))
        {
            return owner is null ? null : new RemoteNode(owner, name);
        }

        var label = FirstLabel(name);
        return label.Length < name.Length && !IPAddress.TryParse(name, out _) && !_local.Contains(label)
            && _owner.TryGetValue(label, out var labelOwner) && labelOwner is not null
                ? new RemoteNode(labelOwner, label)
                : null;
    }

    internal static string FirstLabel(string name)
    {
        var dot = name.IndexOf('.', StringComparison.Ordinal);
        return dot <= 0 ? name : name[..dot];
    }
}
