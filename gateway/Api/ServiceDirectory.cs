using OtlpGrains.Interfaces;
using OtlpGrains.Models.Workloads;

namespace OtlpGrains.Gateway.Api;

/// <summary>Asks every known service grain at once; the catalog grain says which services exist.</summary>
internal sealed class ServiceDirectory(IGrainFactory grains)
{
    private WorkloadNameTable _workloads = WorkloadNameTable.Empty;

    public ValueTask<string[]> NamesAsync() =>
        grains.GetGrain<IServiceCatalogGrain>(IServiceCatalogGrain.DefaultKey).GetServicesAsync();

    public IServiceGrain Service(string name) => grains.GetGrain<IServiceGrain>(name);

    public async Task<ServiceSummary[]> SummariesAsync()
    {
        var names = await NamesAsync();
        return await Task.WhenAll(names.Select(n => Service(n).GetSummaryAsync().AsTask()));
    }

    public async Task<(string Name, ServiceScrape Scrape)[]> ScrapeAsync()
    {
        var names = await NamesAsync();
        var scrapes = await Task.WhenAll(names.Select(n => Service(n).GetScrapeAsync().AsTask()));
        return [.. names.Zip(scrapes)];
    }

    /// <summary>The incidents open now, from the one incident directory.</summary>
    public ValueTask<int> OpenIncidentsAsync() =>
        grains.GetGrain<IIncidentDirectoryGrain>(IIncidentDirectoryGrain.DefaultKey).CountOpenAsync();

    /// <summary>
    /// The services and their edges, with edges to a virtual node that the workload directory names (an address a node
    /// agent saw as a peer) turned into edges to that service: edges recorded before the name was known are named too.
    /// </summary>
    public async Task<(string[] Services, EdgeStats[] Edges)> GraphAsync()
    {
        // The directory answers with its names only when they changed since the copy kept here.
        var known = Volatile.Read(ref _workloads);
        var workloads = grains.GetGrain<IWorkloadDirectoryGrain>(IWorkloadDirectoryGrain.DefaultKey).GetNamesAsync(known.Version);
        var names = await NamesAsync();
        var edges = await Task.WhenAll(names.Select(n => Service(n).GetDownstreamAsync().AsTask()));
        if (await workloads is { } newer)
        {
            known = new WorkloadNameTable(newer);
            Volatile.Write(ref _workloads, known);
        }

        return (names, PeerNaming.Name([.. edges.SelectMany(e => e)], known));
    }
}
