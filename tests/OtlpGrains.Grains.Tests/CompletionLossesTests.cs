using Microsoft.Extensions.Time.Testing;
using OtlpGrains.Grains.Traces;
using Xunit;

namespace OtlpGrains.Grains.Tests;

/// <summary>What a trace shard's passes lost is logged at most once a minute, with everything since the last line.</summary>
public sealed class CompletionLossesTests
{
    [Fact]
    public void FirstLossIsReportedAtOnceLaterOnesOnceAMinuteSummed()
    {
        var clock = new FakeTimeProvider();
        var losses = new CompletionLosses(clock);

        Assert.Null(losses.Add(null));
        Assert.Null(losses.Add(Pass(notStored: 0, withoutP99: 0)));

        var first = losses.Add(Pass(notStored: 2, withoutP99: 1, failure: "database down"));
        Assert.NotNull(first);
        Assert.Equal((2, 1, "database down"), (first.NotStored, first.WithoutP99, first.Failure));

        clock.Advance(TimeSpan.FromSeconds(30));
        Assert.Null(losses.Add(Pass(notStored: 3, withoutP99: 0, failure: "timeout")));
        clock.Advance(TimeSpan.FromSeconds(29));
        Assert.Null(losses.Add(Pass(notStored: 0, withoutP99: 4)));

        // A minute after the first line, a pass without losses of its own still brings out what waited.
        clock.Advance(TimeSpan.FromSeconds(1));
        var second = losses.Add(Pass(notStored: 0, withoutP99: 0));
        Assert.NotNull(second);
        Assert.Equal((3, 4, "timeout"), (second.NotStored, second.WithoutP99, second.Failure));

        clock.Advance(TimeSpan.FromMinutes(5));
        Assert.Null(losses.Add(Pass(notStored: 0, withoutP99: 0)));
    }

    [Fact]
    public void AStoppingSiloCallsOnlyWhatAPeerOrTheStoreCanTake()
    {
        Assert.Equal((true, true), Calls(CompletionPass.Running()));
        Assert.Equal((true, true), Calls(CompletionPass.Stopping(peersActive: true, storeNeedsGrains: true)));
        Assert.Equal((false, true), Calls(CompletionPass.Stopping(peersActive: false, storeNeedsGrains: false)));
        Assert.Equal((false, false), Calls(CompletionPass.Stopping(peersActive: false, storeNeedsGrains: true)));

        var pass = CompletionPass.Running();
        pass.StoreFailed(new TimeoutException("slow"));
        pass.P99Failed(new TimeoutException("later"));
        Assert.Equal((false, false), Calls(pass));
        Assert.Equal((1, 1, "slow"), (pass.NotStored, pass.WithoutP99, pass.Failure));

        static (bool, bool) Calls(CompletionPass pass) => (pass.AskP99, pass.Store);
    }

    private static CompletionPass Pass(int notStored, int withoutP99, string? failure = null)
    {
        var pass = CompletionPass.Running();
        for (var i = 0; i < notStored; i++)
        {
            pass.StoreFailed(new InvalidOperationException(failure ?? "store"));
        }

        pass.WithoutP99 += withoutP99;
        return pass;
    }
}
