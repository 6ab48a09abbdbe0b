using System.Collections.Concurrent;
using Orleans.Streams;
using OtlpGrains.Interfaces;
using OtlpGrains.TestSupport;
using Xunit;

namespace OtlpGrains.Grains.Tests.Anomalies;

/// <summary>
/// The incident directory on a test cluster: an error fault scored by a service grain reaches it through the
/// <c>anomalies</c> stream and opens an incident; anomalies of a caller and its callee join one incident, ranked
/// with the callee first; and an incident resolves once its services' spans run a minute past its last anomaly, each
/// change announced on the <c>incidents</c> stream.
/// </summary>
[Collection(ScoringClusterCollection.Name)]
public sealed class IncidentDirectoryTests(ScoringClusterFixture fixture)
{
    private const long Second = 1_000_000_000L;
    private const long Width = SyntheticRequests.Width;

    private IIncidentDirectoryGrain Directory => fixture.Grains.GetGrain<IIncidentDirectoryGrain>(IIncidentDirectoryGrain.DefaultKey);

    [Fact]
    public async Task AnErrorFaultOpensAnIncidentThroughTheStream()
    {
        string service = "incident-" + Guid.NewGuid().ToString("N")[..8];
        long origin = (DateTimeOffset.UtcNow.AddHours(-3).ToUnixTimeSeconds() / 10 * 10) * Second;
        var grain = fixture.Grains.GetGrain<IServiceGrain>(service);
        var random = new Random(5);
        for (int w = 0; w < 700; w++)
        {
            await grain.IngestSpansAsync(SyntheticRequests.Batch(origin + (w * Width), random, w >= 650 ? 0.6 : 0.02));
        }

        IncidentView incident = await EventuallyAsync(async () => (await Directory.ListAsync(null, null)).FirstOrDefault(i => i.Services.Any(s => s.Name == service)));
        Assert.Equal("open", incident.Status);
        IncidentServiceView faulty = Assert.Single(incident.Services);
        Assert.Contains("errorRatio", faulty.Signals);
        Assert.Equal(DateTimeOffset.UnixEpoch.AddTicks((origin + (650 * Width)) / 100), incident.StartedAt);
        Assert.Equal(service, incident.RootCauses[0].Service);
        Evidence requests = Assert.Single(incident.RootCauses[0].Evidence, e => e.Kind == "requests");
        Assert.StartsWith("its requests: errors ", requests.Summary, StringComparison.Ordinal);
        Assert.Equal((incident.Id, incident.StartedAt), (await Directory.GetAsync(incident.Id)) is { } again ? (again.Id, again.StartedAt) : default);
    }

    [Fact]
    public async Task ACallerAndItsCalleeAreOneIncidentRankedCalleeFirstAndItResolves()
    {
        string caller = "caller-" + Guid.NewGuid().ToString("N")[..8];
        string callee = "callee-" + Guid.NewGuid().ToString("N")[..8];
        long origin = (DateTimeOffset.UtcNow.AddHours(-2).ToUnixTimeSeconds() / 10 * 10) * Second;
        await fixture.Grains.GetGrain<IServiceGrain>(caller).AddEdgeCallsAsync([new EdgeCall(callee, false, origin + Second, 20_000_000, false)]);
        var notices = new ConcurrentQueue<IncidentNotice>();
        var subscription = await fixture.Cluster.Client.GetStreamProvider(StreamNames.Provider)
            .GetStream<IncidentNotice>(StreamId.Create(StreamNames.Incidents, IIncidentDirectoryGrain.DefaultKey))
            .SubscribeAsync((n, _) =>
            {
                notices.Enqueue(n);
                return Task.CompletedTask;
            });

        // The callee's window alone is a pending incident; the caller's, a window later, confirms it (opened), and
        // the callee's second window updates it.
        await Directory.AddAnomaliesAsync([Anomaly(callee, origin, "p99")]);
        Assert.DoesNotContain(await Directory.ListAsync(null, null), i => i.Services.Any(s => s.Name == callee));
        await Directory.AddAnomaliesAsync([Anomaly(caller, origin + Width, "p99"), Anomaly(callee, origin + Width, "p99")]);
        IncidentView incident = Assert.Single(await Directory.ListAsync(null, null), i => i.Services.Any(s => s.Name == callee));
        Assert.Equal([callee, caller], incident.Services.Select(s => s.Name));
        Assert.Equal([callee, caller], incident.RootCauses.Select(c => c.Service));
        Assert.Contains(incident.RootCauses[0].Evidence, e => e.Summary == "calls no other service: the anomaly starts here");
        Assert.Null(incident.ResolvedAt);

        // Spans of both services run past the last anomaly (window 1) by more than a minute: it resolves.
        var random = new Random(1);
        foreach (string service in new[] { caller, callee })
        {
            await fixture.Grains.GetGrain<IServiceGrain>(service).IngestSpansAsync(SyntheticRequests.Batch(origin + (10 * Width), random, 0));
        }

        IncidentView resolved = await EventuallyAsync(async () => await Directory.GetAsync(incident.Id) is { Status: "resolved" } done ? done : null);
        Assert.Equal(DateTimeOffset.UnixEpoch.AddTicks((origin + (2 * Width) + (60 * Second)) / 100), resolved.ResolvedAt);
        Assert.DoesNotContain(await Directory.ListAsync(null, "open"), i => i.Id == incident.Id);
        Assert.Equal(incident.RootCauses.Select(c => (c.Service, c.Score)), resolved.RootCauses.Select(c => (c.Service, c.Score))); // kept as ranked

        // The stream told it: opened by the caller's window, updated by the callee's second, resolved.
        await EventuallyAsync(() => Task.FromResult(notices.Any(n => n.Id == incident.Id && n.Kind == "resolved") ? notices : null));
        await subscription.UnsubscribeAsync();
        Assert.Equal(["opened", "updated", "resolved"], notices.Where(n => n.Id == incident.Id).Select(n => n.Kind));
        Assert.Equal([callee, caller], notices.Last(n => n.Id == incident.Id).Services);
    }

    private static AnomalyEvent Anomaly(string service, long windowStart, string signal)
    {
        DateTimeOffset start = DateTimeOffset.UnixEpoch.AddTicks(windowStart / 100);
        return new AnomalyEvent(
            AnomalyEvent.IdOf(service, "spans", windowStart), service, "spans", [signal], 0.95, "critical", 0.75,
            start, start.AddSeconds(10), start.AddSeconds(15), AnomalyModelRef.Builtin) { Onset = start };
    }

    private static async Task<T> EventuallyAsync<T>(Func<Task<T?>> read)
        where T : class
    {
        DateTime deadline = DateTime.UtcNow.AddSeconds(40);
        while (true)
        {
            if (await read() is { } value)
            {
                return value;
            }

            Assert.True(DateTime.UtcNow < deadline, "timed out waiting for the incident directory");
            await Task.Delay(200);
        }
    }
}
