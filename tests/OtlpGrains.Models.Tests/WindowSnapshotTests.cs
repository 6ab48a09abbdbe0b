using Microsoft.Extensions.Time.Testing;
using OtlpGrains.Interfaces;
using OtlpGrains.Models.Services;
using OtlpGrains.Models.Statistics;
using Xunit;

namespace OtlpGrains.Models.Tests;

/// <summary>The range read: per window, mergeable counts and histograms per service, operation and callee.</summary>
public sealed class WindowSnapshotTests
{
    private const long Second = 1_000_000_000;
    private const long Ms = 1_000_000;
    private const long T0 = 1_700_000_000 * Second;

    private static readonly DateTimeOffset Start = DateTimeOffset.FromUnixTimeSeconds(1_700_000_000);

    [Fact]
    public void WindowsCarryCountsHistogramsOperationsAndCalleesThatMergeIntoTheRangeTotals()
    {
        var statistics = new ServiceStatistics(new ServiceWindowOptions(), new FakeTimeProvider(Start.AddSeconds(1_000)));
        statistics.AddSpans(new ServiceSpanBatch(
            Guid.NewGuid(),
            ["GET /a", "GET /b"],
            [
                new ServiceSpan(T0 + (1 * Second), 10 * Ms, 0, SpanKindCode.Server, SpanRole.Request),
                new ServiceSpan(T0 + (2 * Second), 80 * Ms, 1, SpanKindCode.Server, SpanRole.Request | SpanRole.Error),
                new ServiceSpan(T0 + (3 * Second), 3 * Ms, 0, SpanKindCode.Internal, SpanRole.None),
                new ServiceSpan(T0 + (14 * Second), 25 * Ms, 0, SpanKindCode.Server, SpanRole.Request),
                new ServiceSpan(T0 + (15 * Second), 400 * Ms, 0, SpanKindCode.Server, SpanRole.Request),
            ]));
        statistics.AddEdgeCalls(
        [
            new EdgeCall("db", true, T0 + (2 * Second), 4 * Ms, false),
            new EdgeCall("db", true, T0 + (13 * Second), 9 * Ms, true),
            new EdgeCall("cart", false, T0 + (25 * Second), 7 * Ms, false), // a window without spans
        ]);

        WindowSnapshot[] windows = statistics.Windows(null, null);

        Assert.Equal([Start, Start.AddSeconds(10), Start.AddSeconds(20)], windows.Select(w => w.Start));
        Assert.Equal([(3L, 2L, 1L), (2L, 2L, 0L), (0L, 0L, 0L)], windows.Select(w => (w.Spans, w.Requests, w.Errors)));
        Assert.Equal([2L, 2L, 0L], windows.Select(w => w.Latency.Count));
        OperationSnapshot[] first = windows[0].Operations;
        Assert.Equal([("GET /a", 2L, 1L, 0L), ("GET /b", 1L, 1L, 1L)], first.Select(o => (o.Name, o.Spans, o.Requests, o.Errors)));
        Assert.Equal(2, first[0].Latency.Count);
        Assert.Equal([("db", true, 1L, 0L)], windows[0].Callees.Select(c => (c.Server, c.Virtual, c.Calls, c.Errors)));
        Assert.Equal([("db", true, 1L, 1L)], windows[1].Callees.Select(c => (c.Server, c.Virtual, c.Calls, c.Errors)));
        Assert.Equal("cart", Assert.Single(windows[2].Callees).Server);

        // Merging the windows' snapshots gives the range's percentiles as the detail view computes them.
        var merged = new LatencyHistogram();
        foreach (WindowSnapshot window in windows)
        {
            merged.Merge(window.Latency);
        }

        Assert.Equal(statistics.Detail("svc", null, null).LatencyMs, merged.Summary());

        WindowSnapshot only = Assert.Single(statistics.Windows(Start.AddSeconds(10), Start.AddSeconds(20)));
        Assert.Equal(Start.AddSeconds(10), only.Start);
        Assert.Empty(statistics.Windows(Start.AddSeconds(-50), Start));
    }

    [Fact]
    public void EachWindowKeepsItsSlowestRequestAndItsLastFailedOneAcrossBatches()
    {
        var statistics = new ServiceStatistics(new ServiceWindowOptions(), new FakeTimeProvider(Start.AddSeconds(1_000)));
        TraceKey a = new(1, 1), b = new(2, 2), c = new(3, 3), d = new(4, 4);
        statistics.AddSpans(Batch(["GET /a", "GET /b"], new TraceExemplar(a, T0 + (2 * Second), 50 * Ms, 1, false), new TraceExemplar(b, T0 + (3 * Second), 5 * Ms, 0, true)));

        // A later batch: a faster request is no new slowest; a later failure is the window's last; the next window
        // gets one of its own.
        statistics.AddSpans(Batch(["GET /a"], new TraceExemplar(c, T0 + (4 * Second), 9 * Ms, 0, true), new TraceExemplar(d, T0 + (12 * Second), 1 * Ms, 0, false)));

        WindowSnapshot[] windows = statistics.Windows(null, null);

        Assert.Equal(
            [(a.ToString(), "GET /b", 50d, false), (c.ToString(), "GET /a", 9d, true)],
            windows[0].Traces.Select(t => (t.TraceId, t.Operation, t.DurationMs, t.Failed)));
        Assert.Equal(Start.AddSeconds(4), windows[0].Traces[1].End);
        Assert.Equal([d.ToString()], windows[1].Traces.Select(t => t.TraceId));

        // A batch whose spans move the watermark past an early window still gives that window its exemplar: it is
        // taken as its span is placed, not after the batch.
        var late = new ServiceStatistics(new ServiceWindowOptions(), new FakeTimeProvider(Start.AddSeconds(1_000)));
        late.AddSpans(Batch(["GET /a"], new TraceExemplar(a, T0 + (2 * Second), 50 * Ms, 0, true), new TraceExemplar(b, T0 + (600 * Second), 1 * Ms, 0, false)));
        Assert.Equal([a.ToString()], late.Windows(Start, Start.AddSeconds(10)).Single().Traces.Select(t => t.TraceId));

        // The service's detail lists them too, newest first.
        Assert.Equal([d.ToString(), c.ToString(), a.ToString()], statistics.Detail("svc", null, null).Traces.Select(t => t.TraceId));
    }

    // A request span per exemplar, in order (each exemplar names its span), and the exemplars.
    private static ServiceSpanBatch Batch(string[] operations, params TraceExemplar[] exemplars) => new(
        Guid.NewGuid(),
        operations,
        [.. exemplars.Select(e => new ServiceSpan(e.EndUnixNano, e.DurationNanos, e.Operation, SpanKindCode.Server, e.Failed ? SpanRole.Request | SpanRole.Error : SpanRole.Request))])
    {
        Exemplars = [.. exemplars.Select((e, i) => e with { SpanIndex = i })],
    };
}
