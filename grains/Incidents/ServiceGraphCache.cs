using OtlpGrains.Interfaces;

namespace OtlpGrains.Grains.Incidents;

/// <summary>
/// The callees of the services the incident directory asks about, read from their service grains' outgoing edges
/// and kept for <see cref="Freshness"/>, so grouping and ranking cost one grain call per service per half minute.
/// </summary>
internal sealed class ServiceGraphCache(IGrainFactory grains, TimeProvider time)
{
    private static readonly TimeSpan Freshness = TimeSpan.FromSeconds(30);

    private readonly Dictionary<string, (DateTimeOffset Read, string[] Callees)> _callees = new(StringComparer.Ordinal);

    /// <summary>Reads (or refreshes) the callees of <paramref name="services"/>, in parallel.</summary>
    public async Task LoadAsync(IEnumerable<string> services)
    {
        DateTimeOffset now = time.GetUtcNow();
        string[] stale = [.. services.Distinct(StringComparer.Ordinal).Where(s => !_callees.TryGetValue(s, out var known) || now - known.Read > Freshness)];
        EdgeStats[][] edges = await Task.WhenAll(stale.Select(s => grains.GetGrain<IServiceGrain>(s).GetDownstreamAsync().AsTask()));
        for (int i = 0; i < stale.Length; i++)
        {
            _callees[stale[i]] = (now, [.. edges[i].Select(e => e.Server).Distinct(StringComparer.Ordinal)]);
        }
    }

    /// <summary>The callees of a loaded service (none when it was not loaded).</summary>
    public IReadOnlyCollection<string> Callees(string service) => _callees.TryGetValue(service, out var known) ? known.Callees : [];

    /// <summary>True when one of the two loaded services calls the other.</summary>
    public bool Connected(string a, string b) => Callees(a).Contains(b) || Callees(b).Contains(a);
}
