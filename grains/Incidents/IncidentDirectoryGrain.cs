using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using OtlpGrains.Grains.Federation;
using Orleans.Streams;
using OtlpGrains.Interfaces;
using OtlpGrains.Models.Incidents;
using OtlpGrains.Models.Statistics;

namespace OtlpGrains.Grains.Incidents;

/// <summary>
/// The cluster's incident directory. Grouping, resolution and ranking live in <see cref="IncidentBook"/> and
/// <see cref="RootCauseRanker"/>; the grain reads the service graph around the incidents from the service grains
/// (<see cref="ServiceGraphCache"/>), writes its state after every change, and every <see cref="CheckPeriod"/> resolves
/// the incidents whose anomalies went quiet, in event time: the watermark is the newest span an incident's services
/// have sent.
/// </summary>
internal sealed partial class IncidentDirectoryGrain(
    [PersistentState("incidents", StorageNames.Incidents)] IPersistentState<IncidentDirectoryState> state,
    TimeProvider time,
    IOptions<FederationOptions> federation,
    ILogger<IncidentDirectoryGrain> logger) : Grain, IIncidentDirectoryGrain
{
    private static readonly TimeSpan CheckPeriod = TimeSpan.FromSeconds(10);

    // The evidence range starts a window before the incident and lasts at least a minute; the baseline is the
    // thirty minutes before that (half the windows a service keeps: enough metric points and lines for a baseline).
    private static readonly TimeSpan EvidenceLead = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan EvidenceSpan = TimeSpan.FromSeconds(60);
    private static readonly TimeSpan BaselineSpan = TimeSpan.FromMinutes(30);

    // The latest other incidents a service's share of anomalies is counted over.
    private const int PrevalenceIncidents = 30;

    private readonly IncidentOptions _options = IncidentOptions.Default;
    private ServiceGraphCache _graph = null!;

    private IncidentBook Book => state.State.Book;

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        _graph = new ServiceGraphCache(GrainFactory, time);
        this.RegisterGrainTimer(ResolveQuietAsync, new GrainTimerCreationOptions(CheckPeriod, CheckPeriod) { Interleave = false, KeepAlive = true });
        return base.OnActivateAsync(cancellationToken);
    }

    public async ValueTask AddAnomaliesAsync(AnomalyEvent[] anomalies)
    {
        ArgumentNullException.ThrowIfNull(anomalies);
        await _graph.LoadAsync(anomalies.Select(a => a.Service).Concat(OpenServices()));
        var notices = new List<IncidentNotice>();
        bool changed = false;
        foreach (AnomalyEvent anomaly in anomalies)
        {
            // About to open a second incident beside one it overlaps: read those services' callees again first, as
            // edges appear only once traces complete and the cached graph may predate them.
            if (Book.OverlappingUnconnected(anomaly, _graph.Connected, _options) is { Count: > 0 } overlapping)
            {
                await _graph.RefreshAsync(overlapping.SelectMany(i => i.Services.Select(s => s.Name)).Append(anomaly.Service));
            }

            // A pending incident (one window so far) is not shown: no notice until it is confirmed.
            Incident? taken = Book.Add(anomaly, _graph.Connected, _options, out bool opened);
            changed |= taken is not null;
            if (taken is { Pending: false } incident)
            {
                notices.Add(Notice(incident, opened ? "opened" : "updated", UnixNanos.FromDateTimeOffset(anomaly.WindowEnd)));
                if (opened)
                {
                    LogOpened(logger, incident.Id, anomaly.Service, string.Join(',', anomaly.Signals));
                }
            }
        }

        if (changed)
        {
            await state.WriteStateAsync();
        }

        if (notices.Count > 0)
        {
            await PublishAsync(notices);
        }
    }

    public async ValueTask<IncidentView[]> ListAsync(DateTimeOffset? since, string? status)
    {
        long after = since is { } s ? UnixNanos.FromDateTimeOffset(s) : long.MinValue;
        Incident[] chosen = [.. Book.Open.Concat(Book.Resolved)
            .Where(i => !i.Pending)
            .Where(i => status is null || (status == "open") == i.IsOpen)
            .Where(i => i.IsOpen || i.StartedUnixNano > after)
            .OrderByDescending(i => i.StartedUnixNano)];
        await _graph.LoadAsync(chosen.SelectMany(i => i.Services.Select(x => x.Name)));
        return await Task.WhenAll(chosen.Select(ViewAsync));
    }

    public async ValueTask<IncidentView?> GetAsync(string id)
    {
        if (Book.Find(id) is not { Pending: false } incident)
        {
            return null;
        }

        await _graph.LoadAsync(incident.Services.Select(x => x.Name));
        return await ViewAsync(incident);
    }

    public ValueTask<int> CountOpenAsync() => ValueTask.FromResult(Book.Open.Count(i => !i.Pending));

    private async Task ResolveQuietAsync(CancellationToken cancellationToken)
    {
        if (Book.Open.Count == 0)
        {
            return;
        }

        string[] services = [.. OpenServices()];
        ServiceSummary[] summaries = await Task.WhenAll(services.Select(s => GrainFactory.GetGrain<IServiceGrain>(s).GetSummaryAsync().AsTask()));
        var watermarks = services.Zip(summaries).Where(p => p.Second.LastSeen is not null)
            .ToDictionary(p => p.First, p => UnixNanos.FromDateTimeOffset(p.Second.LastSeen!.Value), StringComparer.Ordinal);
        var notices = new List<IncidentNotice>();
        foreach (Incident incident in Book.Open.ToArray())
        {
            long[] seen = [.. incident.Services.Where(x => watermarks.ContainsKey(x.Name)).Select(x => watermarks[x.Name])];
            if (seen.Length > 0 && Book.Resolve(incident, seen.Max(), _options) && !incident.Pending)
            {
                // Ranked once more with the evidence still in the services' windows, and kept so.
                await _graph.LoadAsync(incident.Services.Select(x => x.Name));
                incident.KeepRanking((await ViewAsync(incident)).RootCauses);
                notices.Add(Notice(incident, "resolved", incident.ResolvedUnixNano!.Value));
                LogResolved(logger, incident.Id, incident.Events);
            }
        }

        if (notices.Count > 0)
        {
            await state.WriteStateAsync(cancellationToken);
            await PublishAsync(notices);
        }
    }

    private static IncidentNotice Notice(Incident incident, string kind, long atUnixNano) =>
        new(incident.Id, kind, UnixNanos.ToDateTimeOffset(atUnixNano), [.. incident.Services.Select(s => s.Name)]);

    // After the state is written: a notice is never about a change that could be lost. A failed publish loses only
    // the notice; the incident stays readable through the directory.
    private async Task PublishAsync(List<IncidentNotice> notices)
    {
        if (federation.Value.On)
        {
            // The peers pull the open incidents soon rather than at their next interval.
            await GrainFactory.GetGrain<IFederationGrain>(IFederationGrain.DefaultKey).LocalChangedAsync();
        }

        try
        {
            var stream = this.GetStreamProvider(StreamNames.Provider).GetStream<IncidentNotice>(StreamId.Create(StreamNames.Incidents, IIncidentDirectoryGrain.DefaultKey));
            foreach (IncidentNotice notice in notices)
            {
                await stream.OnNextAsync(notice);
            }
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            LogPublishFailed(logger, notices.Count, exception.Message);
        }
    }

    private IEnumerable<string> OpenServices() => Book.Open.SelectMany(i => i.Services.Select(s => s.Name)).Distinct(StringComparer.Ordinal);

    // Each service's windows over the incident against the thirty minutes before it, asked in parallel; a resolved
    // incident's kept ranking as it is.
    private async Task<IncidentView> ViewAsync(Incident incident)
    {
        DateTimeOffset started = UnixNanos.ToDateTimeOffset(incident.StartedUnixNano);
        DateTimeOffset from = started - EvidenceLead;
        DateTimeOffset to = UnixNanos.ToDateTimeOffset(Math.Max(incident.LastAnomalyEndUnixNano, incident.StartedUnixNano + (EvidenceSpan.Ticks * 100)));
        RootCause[] ranked = incident.FinalRanking ?? await RankAsync(incident, from, to);
        return View(incident, ranked) with { EvidenceFrom = from, EvidenceTo = to, BaselineFrom = from - BaselineSpan };
    }

    private async Task<RootCause[]> RankAsync(Incident incident, DateTimeOffset from, DateTimeOffset to)
    {
        ServiceEvidence[] evidence = await Task.WhenAll(incident.Services.Select(s =>
            GrainFactory.GetGrain<IServiceGrain>(s.Name).GetEvidenceAsync(from, to, from - BaselineSpan, from).AsTask()));
        var byService = evidence.ToDictionary(e => e.Service, StringComparer.Ordinal);
        return RootCauseRanker.Rank(incident, _graph.Callees, s => byService.GetValueOrDefault(s), Book.Prevalence(incident, PrevalenceIncidents));
    }

    private static IncidentView View(Incident incident, RootCause[] ranked) => new(
        incident.Id,
        incident.IsOpen ? "open" : "resolved",
        UnixNanos.ToDateTimeOffset(incident.StartedUnixNano),
        UnixNanos.ToDateTimeOffset(incident.DetectedUnixNano),
        incident.ResolvedUnixNano is { } resolved ? UnixNanos.ToDateTimeOffset(resolved) : null,
        [.. incident.Services.Select(s => new IncidentServiceView(
            s.Name, s.Severity, [.. s.Signals], s.MaxScore, UnixNanos.ToDateTimeOffset(s.FirstOnsetUnixNano), UnixNanos.ToDateTimeOffset(s.LastAnomalyEndUnixNano)))],
        ranked);

    [LoggerMessage(Level = LogLevel.Information, Message = "Incident {Id} opened by {Service} ({Signals})")]
    private static partial void LogOpened(ILogger logger, string id, string service, string signals);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Count} incident notices not published: {Reason}")]
    private static partial void LogPublishFailed(ILogger logger, int count, string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "Incident {Id} resolved after {Events} anomaly events")]
    private static partial void LogResolved(ILogger logger, string id, int events);
}
