using OtlpGrains.Interfaces;

namespace OtlpGrains.Grains.Incidents;

/// <summary>
/// The service graph as the incident directory sees it: every known service's callees, read from the service grains'
/// outgoing edges and kept for <see cref="Freshness"/>, so grouping and ranking cost one grain call per service per
/// half minute; a service read without callees is read again after <see cref="EmptyFreshness"/>, since a trace's edges
/// reach its services only once the trace completes. Two services are connected when one calls the other or they share a neighbour (a common caller, a
/// common callee, or a caller's caller): a fault reaches that far within one hop of each, by latency up a call or by
/// load on a shared dependency.
/// </summary>
internal sealed class ServiceGraphCache(IGrainFactory grains, TimeProvider time)
{
    private static readonly TimeSpan Freshness = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan EmptyFreshness = TimeSpan.FromSeconds(2);

    private readonly Dictionary<string, (DateTimeOffset Read, string[] Callees)> _callees = new(StringComparer.Ordinal);
    private Dictionary<string, HashSet<string>> _neighbours = new(StringComparer.Ordinal);

    /// <summary>Reads (or refreshes) the callees of every known service and of <paramref name="services"/>, in parallel.</summary>
    public async Task LoadAsync(IEnumerable<string> services)
    {
        DateTimeOffset now = time.GetUtcNow();
        string[] known = await grains.GetGrain<IServiceCatalogGrain>(IServiceCatalogGrain.DefaultKey).GetServicesAsync();
        string[] stale = [.. known.Concat(services).Distinct(StringComparer.Ordinal).Where(s => !_callees.TryGetValue(s, out var read) || now - read.Read > (read.Callees.Length == 0 ? EmptyFreshness : Freshness))];
        if (stale.Length == 0)
        {
            return;
        }

        EdgeStats[][] edges = await Task.WhenAll(stale.Select(s => grains.GetGrain<IServiceGrain>(s).GetDownstreamAsync().AsTask()));
        for (int i = 0; i < stale.Length; i++)
        {
            _callees[stale[i]] = (now, [.. edges[i].Select(e => e.Server).Distinct(StringComparer.Ordinal)]);
        }

        _neighbours = Undirected();
    }

    /// <summary>Reads the callees of <paramref name="services"/> again now, however fresh they are.</summary>
    public async Task RefreshAsync(IEnumerable<string> services)
    {
        string[] chosen = [.. services.Distinct(StringComparer.Ordinal)];
        EdgeStats[][] edges = await Task.WhenAll(chosen.Select(s => grains.GetGrain<IServiceGrain>(s).GetDownstreamAsync().AsTask()));
        DateTimeOffset now = time.GetUtcNow();
        for (int i = 0; i < chosen.Length; i++)
        {
            _callees[chosen[i]] = (now, [.. edges[i].Select(e => e.Server).Distinct(StringComparer.Ordinal)]);
        }

        _neighbours = Undirected();
    }

    /// <summary>The callees of a loaded service (none when it was not loaded).</summary>
    public IReadOnlyCollection<string> Callees(string service) => _callees.TryGetValue(service, out var known) ? known.Callees : [];

    /// <summary>True when the two services are one, neighbours, or share a neighbour in the loaded graph.</summary>
    public bool Connected(string a, string b)
    {
        if (a == b)
        {
            return true;
        }

        if (!_neighbours.TryGetValue(a, out var aNear) || !_neighbours.TryGetValue(b, out var bNear))
        {
            return false;
        }

        return aNear.Contains(b) || aNear.Overlaps(bNear);
    }

    private Dictionary<string, HashSet<string>> Undirected()
    {
        var near = new Dictionary<string, HashSet<string>>(StringComparer.Ordinal);
        foreach ((string caller, (_, string[] callees)) in _callees)
        {
            foreach (string callee in callees)
            {
                (near.TryGetValue(caller, out var a) ? a : near[caller] = new(StringComparer.Ordinal)).Add(callee);
                (near.TryGetValue(callee, out var b) ? b : near[callee] = new(StringComparer.Ordinal)).Add(caller);
            }
        }

        return near;
    }
}
