using Microsoft.Extensions.DependencyInjection;
using Orleans.Serialization;
using OtlpGrains.Interfaces;
using OtlpGrains.Models.Incidents;
using OtlpGrains.Models.Statistics;
using Xunit;

namespace OtlpGrains.Models.Tests.Incidents;

public sealed class IncidentBookTests : IDisposable
{
    private static readonly DateTimeOffset T0 = new(2026, 12, 4, 12, 0, 0, TimeSpan.Zero);

    // frontend -> checkout -> payment; search stands alone.
    private static readonly (string Client, string Server)[] Edges = [("frontend", "checkout"), ("checkout", "payment")];

    private readonly ServiceProvider _services = new ServiceCollection().AddSerializer().BuildServiceProvider();

    public void Dispose() => _services.Dispose();

    [Fact]
    public void OverlappingAnomaliesOfConnectedServicesAreOneIncident()
    {
        var book = new IncidentBook();
        Incident first = Add(book, Event("payment", 0, "p99"), out bool opened)!;
        Assert.False(opened); // one window: pending
        Assert.True(first.Pending);
        Incident joined = Add(book, Event("checkout", 1, "p99"), out opened)!;
        Assert.True(opened); // a second window confirms it
        Assert.Same(first, joined);
        Assert.False(first.Pending);
        Add(book, Event("frontend", 2, "errorRatio"), out opened);
        Assert.False(opened);

        // An unconnected service at the same time is another incident.
        Incident other = Add(book, Event("search", 1, "rate"), out _)!;
        Assert.Same(other, Add(book, Event("search", 2, "rate"), out opened));
        Assert.True(opened);
        Assert.NotSame(first, other);

        Assert.Equal(["payment", "checkout", "frontend"], first.Services.Select(s => s.Name));
        Assert.Equal(Nanos(T0), first.StartedUnixNano);
        Assert.Equal(Nanos(T0.AddSeconds(20)), first.DetectedUnixNano); // the end of the confirming window
        Assert.Equal(2, book.Open.Count);
        Assert.Equal(IncidentBook.IdOf("payment", Nanos(T0)), first.Id);
        Assert.StartsWith("inc-20261204T120000-", first.Id, StringComparison.Ordinal);
    }

    [Fact]
    public void AServiceBridgingTwoOpenIncidentsMakesThemOneAndTheOldIdLeadsToIt()
    {
        // payment and frontend are not neighbours: two incidents, until checkout, between them, is anomalous too.
        var book = new IncidentBook();
        Incident payment = Add(book, Event("payment", 0, "errorRatio"), out _)!;
        Incident frontend = Add(book, Event("frontend", 1, "errorRatio"), out bool opened)!;
        Assert.False(opened);
        Assert.Equal(2, book.Open.Count);

        Incident bridged = Add(book, Event("checkout", 2, "errorRatio"), out opened)!;

        // Two pending incidents of different windows confirm each other as they become one.
        Assert.True(opened);
        Assert.Same(payment, bridged);
        Assert.Equal(["payment", "frontend", "checkout"], bridged.Services.Select(s => s.Name));
        Assert.Equal((3, Nanos(T0), Nanos(T0.AddSeconds(20))), (bridged.Events, bridged.StartedUnixNano, bridged.DetectedUnixNano));
        Assert.Same(payment, Assert.Single(book.Open));
        Assert.Same(payment, book.Find(frontend.Id));
    }

    [Fact]
    public void AnEventOverlappingOnlyUnconnectedIncidentsNamesThemAndAConnectedOneNone()
    {
        var book = new IncidentBook();
        Incident payment = Add(book, Event("payment", 0, "errorRatio"), out _)!;

        Assert.Same(payment, Assert.Single(book.OverlappingUnconnected(Event("search", 1, "p99"), Connected, IncidentOptions.Default)));
        Assert.Empty(book.OverlappingUnconnected(Event("checkout", 1, "p99"), Connected, IncidentOptions.Default));
        Assert.Empty(book.OverlappingUnconnected(Event("search", 30, "p99"), Connected, IncidentOptions.Default));
    }

    [Fact]
    public void AnomaliesFarApartAreSeparateIncidents()
    {
        var book = new IncidentBook();
        Incident early = Add(book, Event("payment", 0, "p99"), out _)!;
        Incident late = Add(book, Event("checkout", 30, "p99"), out _)!; // 5 minutes later
        Assert.NotSame(early, late);
    }

    [Fact]
    public void ALoneWindowsBlipStaysPendingEvenAcrossServicesAndIsDroppedWhenItResolves()
    {
        var book = new IncidentBook();
        Incident blip = Add(book, Event("payment", 0, "p99"), out bool opened)!;
        Assert.Same(blip, Add(book, Event("checkout", 0, "p99"), out opened));
        Assert.False(opened);
        Assert.True(blip.Pending);

        Assert.Empty(book.Advance(Nanos(T0.AddSeconds(10 + 60)), IncidentOptions.Default));
        Assert.Empty(book.Open);
        Assert.Empty(book.Resolved);
        Assert.Null(book.Find(blip.Id));

        // Nor does a pending incident count as another incident a service was anomalous in.
        Incident next = Add(book, Event("payment", 30, "p99"), out _)!;
        Add(book, Event("payment", 31, "p99"), out _);
        Assert.Equal((0, 0), book.Prevalence(next, 30)("payment"));
    }

    [Fact]
    public void ResolvesOnceItsAnomaliesAreQuietAndStaysOpenWhileTheyAreHeld()
    {
        var book = new IncidentBook();
        Incident incident = Add(book, Event("payment", 0, "errorRatio"), out _)!;
        for (int w = 1; w < 20; w++)
        {
            Add(book, Event("payment", w, "errorRatio", held: true), out _);
            Assert.Empty(book.Advance(Nanos(T0.AddSeconds((10 * w) + 15)), IncidentOptions.Default));
        }

        Assert.True(incident.IsOpen);
        Assert.Empty(book.Advance(Nanos(T0.AddSeconds(200 + 59)), IncidentOptions.Default));
        Incident resolved = Assert.Single(book.Advance(Nanos(T0.AddSeconds(200 + 60)), IncidentOptions.Default));
        Assert.Same(incident, resolved);
        Assert.Equal(Nanos(T0.AddSeconds(260)), resolved.ResolvedUnixNano);
        Assert.Empty(book.Open);
        Assert.Same(incident, book.Find(incident.Id));
        Assert.Equal(20, incident.Events);
    }

    [Fact]
    public void AnIncidentWindingDownTakesNoNewServiceAndAHeldAnomalyMergesNothing()
    {
        // payment's anomaly is only held from its second window on. checkout's fresh anomaly 20 s later joins it...
        var book = new IncidentBook();
        Incident payment = Add(book, Event("payment", 0, "errorRatio"), out _)!;
        Add(book, Event("payment", 1, "errorRatio", held: true), out _);
        Assert.Same(payment, Add(book, Event("checkout", 2, "p99"), out _));

        // ...but 40 s of held windows later, frontend's fresh anomaly opens an incident of its own.
        var windingDown = new IncidentBook();
        Incident earlier = Add(windingDown, Event("checkout", 0, "errorRatio"), out _)!;
        for (int w = 1; w <= 4; w++)
        {
            Add(windingDown, Event("checkout", w, "errorRatio", held: true), out _);
        }

        Incident fresh = Add(windingDown, Event("frontend", 5, "errorRatio"), out _)!;
        Assert.NotSame(earlier, fresh);

        // checkout's next held window stays in its incident and does not pull frontend's in.
        Assert.Same(earlier, Add(windingDown, Event("checkout", 5, "errorRatio", held: true), out _));
        Assert.Equal(2, windingDown.Open.Count);
        Assert.Equal(["frontend"], fresh.Services.Select(s => s.Name));
    }

    [Fact]
    public void PrevalenceCountsOnlyTheIncidentsThatStartedBeforeIt()
    {
        // search is anomalous in an incident before payment's and in one after it.
        var book = new IncidentBook();
        Add(book, Event("search", 0, "p99"), out _);
        Add(book, Event("search", 1, "p99"), out _);
        Incident payment = Add(book, Event("payment", 30, "p99"), out _)!;
        Add(book, Event("payment", 31, "p99"), out _);
        Incident later = Add(book, Event("search", 60, "p99"), out _)!;
        Add(book, Event("search", 61, "p99"), out _);

        Assert.Equal((1, 1), book.Prevalence(payment, 30)("search"));
        Assert.Equal((1, 2), book.Prevalence(later, 30)("search"));
        Assert.Equal((1, 2), book.Prevalence(later, 30)("payment"));
    }

    [Fact]
    public void AResolvedIncidentKeepsTheRankingItWasGivenOnce()
    {
        var book = new IncidentBook();
        Incident incident = Add(book, Event("payment", 0, "p99"), out _)!;
        Add(book, Event("payment", 1, "p99"), out _);
        RootCause[] first = [new("payment", null, 1.5, [])];
        incident.KeepRanking(first);
        Assert.Null(incident.FinalRanking); // still open: ranked afresh

        Assert.Same(incident, Assert.Single(book.Advance(Nanos(T0.AddSeconds(20 + 60)), IncidentOptions.Default)));
        incident.KeepRanking(first);
        incident.KeepRanking([new("checkout", null, 9, [])]);
        Assert.Same(first, incident.FinalRanking);
    }

    [Fact]
    public void ADuplicateEventIsTakenOnce()
    {
        var book = new IncidentBook();
        AnomalyEvent anomaly = Event("payment", 0, "p99");
        Assert.NotNull(Add(book, anomaly, out _));
        Assert.Null(Add(book, anomaly, out bool opened));
        Assert.False(opened);
        Assert.Equal(1, book.Open[0].Events);
    }

    [Fact]
    public void ConfirmationIsReckonedInEventTimeWhateverOrderTheEventsArriveIn()
    {
        // checkout's later windows arrive first (a service with many spans closes its windows sooner); payment's
        // earlier two come after: the incident was known at the end of payment's second window, 20 s in, not 40 s.
        var book = new IncidentBook();
        Incident incident = Add(book, Event("checkout", 2, "p99"), out _)!;
        Add(book, Event("checkout", 3, "p99"), out bool opened);
        Assert.True(opened);
        Assert.Equal(Nanos(T0.AddSeconds(40)), incident.DetectedUnixNano);

        Assert.Same(incident, Add(book, Event("payment", 0, "errorRatio"), out _));
        Assert.Equal(Nanos(T0.AddSeconds(30)), incident.DetectedUnixNano);
        Assert.Same(incident, Add(book, Event("payment", 1, "errorRatio"), out opened));
        Assert.False(opened); // shown already
        Assert.Equal(Nanos(T0.AddSeconds(20)), incident.DetectedUnixNano);
        Assert.Equal(Nanos(T0), incident.StartedUnixNano);

        // The same events in window order give the same detection.
        var ordered = new IncidentBook();
        foreach (AnomalyEvent anomaly in new[] { Event("payment", 0, "errorRatio"), Event("payment", 1, "errorRatio"), Event("checkout", 2, "p99"), Event("checkout", 3, "p99") })
        {
            Add(ordered, anomaly, out _);
        }

        Assert.Equal(incident.DetectedUnixNano, Assert.Single(ordered.Open).DetectedUnixNano);

        // A later window never moves it later.
        Add(book, Event("frontend", 4, "errorRatio"), out _);
        Assert.Equal(Nanos(T0.AddSeconds(20)), incident.DetectedUnixNano);
    }

    [Fact]
    public void SurvivesTheSerializer()
    {
        var book = new IncidentBook();
        Add(book, Event("payment", 0, "p99"), out _);
        Add(book, Event("checkout", 1, "errorRatio"), out _);
        var serializer = _services.GetRequiredService<Serializer>();
        IncidentBook restored = serializer.Deserialize<IncidentBook>(serializer.SerializeToArray(book))!;

        Incident incident = Assert.Single(restored.Open);
        Assert.Equal(book.Open[0].Id, incident.Id);
        Assert.False(incident.Pending);
        Assert.Equal(book.Open[0].DetectedUnixNano, incident.DetectedUnixNano);
        Assert.Equal(["payment", "checkout"], incident.Services.Select(s => s.Name));
        Assert.Equal(["errorRatio"], incident.Services[1].Signals);
        Assert.Null(Add(restored, Event("checkout", 1, "errorRatio"), out _)); // remembered as taken
        Assert.Same(incident, Add(restored, Event("frontend", 2, "p99"), out _));
    }

    private static Incident? Add(IncidentBook book, AnomalyEvent anomaly, out bool opened) =>
        book.Add(anomaly, Connected, IncidentOptions.Default, out opened);

    private static bool Connected(string a, string b) =>
        Edges.Any(e => (e.Client == a && e.Server == b) || (e.Client == b && e.Server == a));

    private static AnomalyEvent Event(string service, int window, string signal, bool held = false)
    {
        DateTimeOffset start = T0.AddSeconds(10 * window);
        return new AnomalyEvent(
            AnomalyEvent.IdOf(service, "spans", Nanos(start)), service, "spans", [signal], 0.9, "critical", 0.75,
            start, start.AddSeconds(10), start.AddSeconds(15), AnomalyModelRef.Builtin)
        {
            Onset = held ? T0 : start,
            Held = held,
        };
    }

    private static long Nanos(DateTimeOffset time) => UnixNanos.FromDateTimeOffset(time);
}
