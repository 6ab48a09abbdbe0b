using OtlpGrains.Interfaces;
using OtlpGrains.Models.Traces;
using Xunit;

namespace OtlpGrains.Models.Tests;

public sealed class KeptContinuationsTests
{
    private static readonly TraceKey A = TraceKey.Parse("0af7651916cd43dd8448eb211c80319c");
    private static readonly TraceKey B = TraceKey.Parse("4bf92f3577b34da6a3ce929d0e0e4736");

    [Fact]
    public void ATraceKeptLatelyContinuesInItsNextPartUpToTheLast()
    {
        var kept = new KeptContinuations(16);
        Assert.False(kept.WasKept(A));
        Assert.Equal(1, kept.NextPart(A));

        for (var part = 1; part <= KeptContinuations.MaxParts; part++)
        {
            Assert.Equal(part, kept.NextPart(A));
            kept.Kept(A, part);
        }

        Assert.True(kept.WasKept(A));
        Assert.Null(kept.NextPart(A));
        Assert.Equal(["t", "t/2", "t/3", "t/4"], KeptContinuations.KeysOf("t"));
    }

    [Fact]
    public void TheOldestTraceIsForgottenBeyondTheCapacity()
    {
        var kept = new KeptContinuations(1);
        kept.Kept(A, 1);
        kept.Kept(B, 1);

        Assert.False(kept.WasKept(A));
        Assert.True(kept.WasKept(B));
    }

    [Fact]
    public void PartsJoinIntoOneTreeWithTheReasonsOfTheFirstPartAndNotContinued()
    {
        var start = DateTimeOffset.FromUnixTimeSeconds(1_800_000_000);
        var first = View([Span("00000000000000a1", null, "frontend", "SERVER", start, 100, "ERROR")], "error");
        var later = View([Span("00000000000000b2", "00000000000000a1", "payments", "SERVER", start.AddMilliseconds(10), 50, "OK")], KeptContinuations.Reason);

        var joined = TraceMerge.Join("t", [first, later], 1000)!;

        Assert.Equal(["00000000000000a1", "00000000000000b2"], joined.Spans.Select(s => s.SpanId));
        Assert.Equal(0, joined.Orphans);
        Assert.Equal("error", joined.KeptBecause);
        Assert.Equal(first, TraceMerge.Join("t", [first], 1000));
        Assert.Null(TraceMerge.Join("t", [], 1000));
    }

    private static TraceView View(TraceSpanView[] spans, string reason) =>
        new("t", spans, [], new Dictionary<string, double>(), 0, 0, reason);

    private static TraceSpanView Span(string id, string? parent, string service, string kind, DateTimeOffset start, double ms, string status) =>
        new(id, parent, service, "op", kind, start, start.AddMilliseconds(ms), ms, status);
}
