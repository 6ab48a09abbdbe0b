using OtlpGrains.Interfaces;

namespace OtlpGrains.Grains.Incidents;

/// <summary>
/// The service graph as the incident directory sees it: every known service's callees (the catalog's list, and each
/// service's outgoing edges), kept for <see cref="Freshness"/>, so grouping and ranking cost one grain call per service
/// per half minute; a service read without callees is read again after <see cref="EmptyFreshness"/>, since a trace's
/// edges reach its services only once the trace completes. Two services are connected when one calls the other or they
/// share a neighbour (a common caller, a common callee, or a caller's caller): a fault reaches that far within one hop
/// of each, by latency up a call or by load on a shared dependency.
/// </summary>
internal sealed class ServiceGraphCache(IGrainFactory grains, TimeProvider time)
{
    private static readonly TimeSpan Freshness = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan EmptyFreshness = TimeSpan.FromSeconds(2);

    private readonly Dictionary<string, (DateTimeOffset Read, string[] Callees)> _callees = new(StringComparer.Ordinal);
    private Dictionary<string, HashSet<string>> _neighbours = new(StringComparer.Ordinal);
    private string[] _known = [];
    private DateTimeOffset _knownRead = DateTimeOffset.MinValue;

    /// <summary>Reads (or refreshes) the callees of every known service and of <paramref name="services"/>, in parallel.</summary>
    public async Task LoadAsync(IEnumerable<string> services)
    {
        DateTimeOffset now = time.GetUtcNow();
        if (now - _knownRead > Freshness)
        {
            _known = await grains.GetGrain<IServiceCatalogGrain>(IServiceCatalogGrain.DefaultKey).GetServicesAsync();
            _knownRead = now;
        }

        string[] stale = [.. _known.Concat(services).Distinct(StringComparer.Ordinal).Where(s => !_callees.TryGetValue(s, out var read) || now - read.Read > (read.Callees.Length == 0 ? EmptyFreshness : Freshness))];
        if (stale.Length > 0)
        {
            await ReadAsync(stale, now);
        }
    }

    /// <summary>Reads the callees of <paramref name="services"/> again now, however fresh they are.</summary>
    public Task RefreshAsync(IEnumerable<string> services) => ReadAsync([.. services.Distinct(StringComparer.Ordinal)], time.GetUtcNow());

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

    private async Task ReadAsync(string[] services, DateTimeOffset now)
    {
        EdgeStats[][] edges = await Task.WhenAll(services.Select(s => grains.GetGrain<IServiceGrain>(s).GetDownstreamAsync().AsTask()));
        for (int i = 0; i < services.Length; i++)
        {
            _callees[services[i]] = (now, [.. edges[i].Select(e => e.Server).Distinct(StringComparer.Ordinal)]);
        }

        _neighbours = Undirected();
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
