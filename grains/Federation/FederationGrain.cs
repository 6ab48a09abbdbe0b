using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Concurrency;
using OtlpGrains.Grains.Traces;
using OtlpGrains.Interfaces;
using OtlpGrains.Models.Federation;
using OtlpGrains.Models.Incidents;
using OtlpGrains.Models.Traces;

namespace OtlpGrains.Grains.Federation;

/// <summary>
/// Coordinates this cluster's federation (see <see cref="IFederationGrain"/>): a timer at a fraction of the summary
/// interval starts the pulls that are due, one in flight per peer, each bounded by the peer deadline; the peers'
/// bookkeeping and backoff live in <see cref="PeerRecord"/>. Reentrant, so that a query never waits on a pull.
/// </summary>
[Reentrant]
internal sealed partial class FederationGrain(
    PeerLinks links,
    IOptions<FederationOptions> options,
    IOptions<TraceOptions> traces,
    TimeProvider time,
    ILogger<FederationGrain> logger) : Grain, IFederationGrain
{
    private readonly FederationOptions _options = options.Value;
    private readonly Dictionary<string, PeerRecord> _peers = new(StringComparer.Ordinal);
    private readonly IReadOnlyList<RemoteNameRule> _rules = options.Value.RemoteNameRules();
    private bool _changed;
    private DateTimeOffset _lastTold = DateTimeOffset.MinValue;

    // The least time between two notices to the peers, and between two pulls a peer's notices cause.
    private TimeSpan ChangeSpacing => TimeSpan.FromSeconds(Math.Min(1, _options.SummaryIntervalSeconds));

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        var backoff = new PeerBackoff(_options.SummaryInterval, _options.MaxBackoff);
        foreach (var name in links.Names)
        {
            _peers[name] = new PeerRecord(name, backoff);
        }

        if (_peers.Count > 0)
        {
            // Ticks finer than the interval so that a backed-off peer is retried close to its due time.
            var tick = TimeSpan.FromSeconds(Math.Clamp(_options.SummaryIntervalSeconds / 4, 0.1, 5));
            this.RegisterGrainTimer(PullDueAsync, new GrainTimerCreationOptions(TimeSpan.Zero, tick) { Interleave = true, KeepAlive = true });
        }

        return Task.CompletedTask;
    }

    public ValueTask StartAsync() => ValueTask.CompletedTask;

    // What a peer pulls: with the cross-cluster edges, read from this cluster's graph.
    public async ValueTask<ClusterSummary> GetLocalSummaryAsync() =>
        await LocalSummary.ReadAsync(GrainFactory, links.ClusterName, time.GetUtcNow(), (await GetLocalGraphAsync()).Edges);

    public async ValueTask<ClusterGraph> GetLocalGraphAsync() => await LocalGraph.ReadAsync(GrainFactory, links.ClusterName, Resolver);

    public async ValueTask<FederatedGraph> GetGraphAsync()
    {
        using var cancel = new CancellationTokenSource(_options.PeerTimeout + TimeSpan.FromSeconds(1));
        var asks = _peers.Keys.Select(p => links.GraphAsync(p, cancel.Token)).ToArray();
        var graphs = new List<ClusterGraph> { await GetLocalGraphAsync() };
        var clusters = new List<ClusterAnswer> { new(links.ClusterName, ClusterStatus.Ok, null, null) };
        foreach (var (peer, reply) in _peers.Keys.Zip(await Task.WhenAll(asks)))
        {
            clusters.Add(new ClusterAnswer(peer, reply.Status, reply.Detail, null));
            if (reply.Value is { } graph)
            {
                // Named as this cluster knows the peer, whatever it calls itself.
                graphs.Add(graph with { Cluster = peer });
            }
        }

        return new FederatedGraph([.. graphs], [.. clusters]);
    }

    public async ValueTask<IncidentView[]> WithRemoteCausesAsync(IncidentView[] incidents)
    {
        if (_peers.Count == 0)
        {
            return incidents;
        }

        var local = await GrainFactory.GetGrain<IServiceCatalogGrain>(IServiceCatalogGrain.DefaultKey).GetServicesAsync();
        var remote = Resolver(local);
        using var cancel = new CancellationTokenSource(_options.PeerTimeout + TimeSpan.FromSeconds(1));
        return await Task.WhenAll(incidents.Select(i => WithRemoteCausesAsync(i, remote, cancel.Token)));
    }

    // The causes the local ranking could only see from here: not anomalous services of the incident, but callees.
    private async Task<IncidentView> WithRemoteCausesAsync(IncidentView incident, RemoteNodes remote, CancellationToken cancellationToken)
    {
        if (incident.EvidenceFrom is not { } from || incident.EvidenceTo is not { } to || incident.BaselineFrom is not { } baselineFrom)
        {
            return incident;
        }

        var asks = incident.RootCauses
            .Where(c => c.Cluster is null && !incident.Services.Any(s => s.Name == c.Service))
            .Select(c => (Name: c.Service, Node: remote.Resolve(c.Service)))
            .Where(c => c.Node is not null && _peers.ContainsKey(c.Node.Cluster))
            .Select(async c =>
            {
                var reply = await links.EvidenceAsync(c.Node!.Cluster, c.Node.Service, (from, to, baselineFrom), cancellationToken);
                return (c.Name, Answer: new RemoteEvidenceAnswer(c.Node, reply.Status, reply.Detail, reply.Value));
            })
            .ToArray();
        if (asks.Length == 0)
        {
            return incident;
        }

        var answers = (await Task.WhenAll(asks)).ToDictionary(a => a.Name, a => a.Answer, StringComparer.Ordinal);
        return incident with { RootCauses = RemoteCauses.Apply(incident.RootCauses, answers) };
    }

    // The explicit rules, then the peers' service lists from their latest summaries (an old copy still names services).
    private RemoteNodes Resolver(string[] localServices) => new(
        _rules,
        _peers.Values.Select(p => p.ToState()).Where(p => p.Latest is not null).Select(p => (p.Name, p.Latest!.Services.Select(s => s.Name))),
        localServices);

    // The local part of a query's answer: services and incidents only, so no graph is read (no answer shows its edges).
    public async ValueTask<FederationView> GetViewAsync()
    {
        var local = await LocalSummary.ReadAsync(GrainFactory, links.ClusterName, time.GetUtcNow(), []);
        // Two intervals and a deadline: one pull may be late by a timer tick, the next one must have come back.
        var staleAfter = (2 * _options.SummaryInterval) + _options.PeerTimeout;
        return new FederationView(local, [.. _peers.Values.Select(p => p.ToState())], time.GetUtcNow(), staleAfter);
    }

    public async ValueTask<FederatedTrace> GetTraceAsync(string traceId)
    {
        using var cancel = new CancellationTokenSource(_options.PeerTimeout + TimeSpan.FromSeconds(1));
        var asks = _peers.Keys.Select(p => links.TraceAsync(p, traceId, cancel.Token)).ToArray();
        var local = await GrainFactory.GetGrain<ITraceGrain>(traceId).GetKeptAsync();
        var replies = await Task.WhenAll(asks);

        var parts = new List<TracePart> { new(links.ClusterName, local?.Spans ?? [], local?.KeptBecause) };
        var clusters = new List<ClusterAnswer> { new(links.ClusterName, ClusterStatus.Ok, null, null) };
        foreach (var (peer, reply) in _peers.Keys.Zip(replies))
        {
            clusters.Add(new ClusterAnswer(peer, reply.Status, reply.Detail, null));
            if (reply.Value is { } part)
            {
                parts.Add(part);
            }
        }

        return TraceMerge.Merge(traceId, parts, [.. clusters], traces.Value.MaxSpans);
    }

    // Told now when the spacing allows, else by the next tick.
    public ValueTask LocalChangedAsync()
    {
        _changed = true;
        TellPeersIfChanged(time.GetUtcNow());
        return ValueTask.CompletedTask;
    }

    // Pulled now when the spacing allows, else by the tick once it is due.
    public ValueTask<bool> PeerChangedAsync(string peer)
    {
        if (!_peers.TryGetValue(peer, out var record))
        {
            return ValueTask.FromResult(false);
        }

        var now = time.GetUtcNow();
        record.PullSoon(now, ChangeSpacing);
        if (record.IsDue(now) && record.TryBegin())
        {
            _ = PullAsync(record);
        }

        return ValueTask.FromResult(true);
    }

    // At most one notice per spacing: a burst of changes (services appearing at start-up, an incident updated by
    // every window) tells each peer once. A peer this cluster cannot pull is told too (at most one call per spacing,
    // bounded by the deadline): it may well reach us, as when it started after our first pull of it failed.
    private void TellPeersIfChanged(DateTimeOffset now)
    {
        if (!_changed || now - _lastTold < ChangeSpacing)
        {
            return;
        }

        _changed = false;
        _lastTold = now;
        foreach (var peer in _peers.Values)
        {
            // Not awaited, bounded by the deadline; a notice lost is caught up by the next scheduled pull.
            _ = links.ChangedAsync(peer.Name, CancellationToken.None);
        }
    }

    private Task PullDueAsync(CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        TellPeersIfChanged(now);
        foreach (var peer in _peers.Values)
        {
            if (peer.IsDue(now) && peer.TryBegin())
            {
                // Not awaited: each pull finishes on its own (bounded by the deadline) and records its outcome on the
                // grain's scheduler, so that one slow peer does not delay the others' pulls.
                _ = PullAsync(peer);
            }
        }

        return Task.CompletedTask;
    }

    private async Task PullAsync(PeerRecord peer)
    {
        PeerReply<ClusterSummary> reply;
        try
        {
            reply = await links.SummaryAsync(peer.Name, CancellationToken.None);
        }
        catch (Exception exception)
        {
            // Whatever went wrong, the pull must end: a peer left marked in flight would never be pulled again.
            reply = new PeerReply<ClusterSummary>(null, ClusterStatus.Error, $"{exception.GetType().Name}: {exception.Message}");
        }

        var now = time.GetUtcNow();
        if (reply.Value is { } summary)
        {
            if (peer.ToState().ConsecutiveFailures > 0)
            {
                LogPeerBack(logger, peer.Name);
            }

            peer.Succeeded(summary, now);
            return;
        }

        var wasFailing = peer.ToState().ConsecutiveFailures > 0;
        peer.Failed(reply.Status, reply.Detail ?? "no detail", now, Random.Shared.NextDouble());
        if (!wasFailing)
        {
            LogPeerFailed(logger, peer.Name, reply.Status, reply.Detail);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Federation peer {Peer} failed ({Status}): {Detail}; retrying with backoff")]
    private static partial void LogPeerFailed(ILogger logger, string peer, ClusterStatus status, string? detail);

    [LoggerMessage(Level = LogLevel.Information, Message = "Federation peer {Peer} answers again")]
    private static partial void LogPeerBack(ILogger logger, string peer);
}
