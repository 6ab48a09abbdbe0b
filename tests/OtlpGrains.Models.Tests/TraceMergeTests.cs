using OtlpGrains.Interfaces;
using OtlpGrains.Models.Traces;
using Xunit;

namespace OtlpGrains.Models.Tests;

public sealed class TraceMergeTests
{
    private const string TraceId = "0af7651916cd43dd8448eb211c80319c";
    private static readonly DateTimeOffset T0 = new(2026, 1, 2, 3, 4, 5, TimeSpan.Zero);

    [Fact]
    public void ClientSpansInOneClusterBecomeParentsOfServerSpansInAnother()
    {
        // a: frontend SERVER [0,100] -> CLIENT [10,90]; b: payments SERVER [20,80] under that client -> db CLIENT [30,70].
        var a = new TracePart("a", [Span("0000000000000001", null, "frontend", "SERVER", 0, 100), Span("0000000000000002", "0000000000000001", "frontend", "CLIENT", 10, 90)], "sampled");
        var b = new TracePart("b", [Span("0000000000000003", "0000000000000002", "payments", "SERVER", 20, 80, "ERROR"), Span("0000000000000004", "0000000000000003", "payments", "CLIENT", 30, 70)], "error");

        var merged = TraceMerge.Merge(TraceId, [a, b], [], 10_000);

        var trace = Assert.IsType<TraceView>(merged.Trace);
        Assert.Equal(["0000000000000001", "0000000000000002", "0000000000000003", "0000000000000004"], trace.Spans.Select(s => s.SpanId));
        Assert.Equal(0, trace.Orphans);
        Assert.Equal(["0000000000000001", "0000000000000002", "0000000000000003", "0000000000000004"], trace.CriticalPath);
        Assert.Equal("b", merged.SpanClusters["0000000000000003"]);
        Assert.Equal("a", merged.SpanClusters["0000000000000002"]);
        Assert.Equal("sampled,error", trace.KeptBecause);
        Assert.Equal("ERROR", trace.Spans[2].Status);
        Assert.Equal(60, trace.Spans[2].DurationMs, 6);
    }

    [Fact]
    public void ASpanBothClustersHoldIsCountedOnceForTheFirstCluster()
    {
        var shared = Span("0000000000000001", null, "frontend", "SERVER", 0, 100);
        var merged = TraceMerge.Merge(TraceId, [new TracePart("a", [shared], "sampled"), new TracePart("b", [shared], "sampled")], [], 10_000);

        Assert.Single(merged.Trace!.Spans);
        Assert.Equal("a", merged.SpanClusters["0000000000000001"]);
        Assert.Equal("sampled", merged.Trace.KeptBecause);
    }

    [Fact]
    public void JoinedPartsKeepTheirSpansAttributes()
    {
        AttributeView[] method = [new("http.request.method", "string", "GET")];
        AttributeView[] rows = [new("db.response.returned_rows", "int", "3")];
        TraceView first = new(TraceId, [Span("0000000000000001", null, "frontend", "SERVER", 0, 100) with { Attributes = method }], [], new Dictionary<string, double>(), 0, 0, "error");
        TraceView later = new(TraceId, [Span("0000000000000002", "0000000000000001", "frontend", "CLIENT", 10, 90) with { Attributes = rows }], [], new Dictionary<string, double>(), 0, 0, KeptContinuations.Reason);

        TraceView joined = TraceMerge.Join(TraceId, [first, later], 10_000)!;

        Assert.Equal([method, rows], joined.Spans.Select(s => s.Attributes));
    }

    [Fact]
    public void NoPartWithSpansGivesNoTrace()
    {
        var merged = TraceMerge.Merge(TraceId, [new TracePart("a", [], null)], [new ClusterAnswer("a", ClusterStatus.Ok, null, null)], 10_000);

        Assert.Null(merged.Trace);
        Assert.Single(merged.Clusters);
    }

    private static TraceSpanView Span(string id, string? parent, string service, string kind, int startMs, int endMs, string status = "UNSET") =>
        new(id, parent, service, "op", kind, T0.AddMilliseconds(startMs), T0.AddMilliseconds(endMs), endMs - startMs, status);
}
