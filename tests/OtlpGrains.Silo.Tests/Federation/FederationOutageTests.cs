using System.Diagnostics;
using System.Globalization;
using Xunit;
using Xunit.Abstractions;
using static OtlpGrains.Silo.Tests.Federation.FederationProbe;

namespace OtlpGrains.Silo.Tests.Federation;

/// <summary>
/// Three clusters with an outage timing; c runs in a network namespace of its own so that its link can be cut.
/// </summary>
public abstract class OutageClusters(FederationTiming timing) : IAsyncLifetime
{
    public FederatedClusters Clusters { get; } = new(3, timing, isolated: 2);

    // Where namespaces cannot be made the tests are skipped (NetworkNamespaceFact): start nothing for them.
    public Task InitializeAsync() => NetworkNamespaceFactAttribute.Why is null ? Clusters.InitializeAsync() : Task.CompletedTask;

    public Task DisposeAsync() => Clusters.DisposeAsync();
}

/// <summary>Pulls every second, retries capped at 5 s, a 2 s deadline (<see cref="FederationTiming.Outage"/>).</summary>
public sealed class OutageClustersAt1And5() : OutageClusters(FederationTiming.Outage);

/// <summary>Pulls every half second, retries capped at 3 s, a 1 s deadline: the bounds scale with the settings.</summary>
public sealed class OutageClustersAtHalfAnd3() : OutageClusters(new FederationTiming(0.5, 3, 1));

/// <inheritdoc cref="FederationOutageTests{T}"/>
public sealed class FederationOutageTestsAt1And5(OutageClustersAt1And5 outage, ITestOutputHelper output)
    : FederationOutageTests<OutageClustersAt1And5>(outage, output), IClassFixture<OutageClustersAt1And5>;

/// <inheritdoc cref="FederationOutageTests{T}"/>
public sealed class FederationOutageTestsAtHalfAnd3(OutageClustersAtHalfAnd3 outage, ITestOutputHelper output)
    : FederationOutageTests<OutageClustersAtHalfAnd3>(outage, output), IClassFixture<OutageClustersAtHalfAnd3>;

/// <summary>
/// Peers that go away and come back, seen from a: a cut link (c) and a stopped silo (b) make a's answers partial within
/// the deadline, a's retries of the missing peer back off to the cap and stay there (at most one record per peer, one
/// line of error), and a's answers are whole again within the documented bound once the peer is back:
/// PeerTimeout + MaxBackoff + a timer tick + one pull (a pull sent into the cut link, or to a peer still starting,
/// fails first, at most a deadline later, and waits its backoff).
/// </summary>
public abstract class FederationOutageTests<T>(T outage, ITestOutputHelper output)
    where T : OutageClusters
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(45);

    /// <summary>What a bound may be exceeded by: scheduling on two shared cores and the test's own polling.</summary>
    private static readonly TimeSpan Slack = TimeSpan.FromSeconds(3);

    /// <summary>How long a peer stays away: at the outage timing, the retries of several minutes at the defaults.</summary>
    private static readonly TimeSpan Away = TimeSpan.FromSeconds(30);

    private readonly FederatedClusters _clusters = outage.Clusters;

    private FederationTiming Timing => _clusters.Timing;

    /// <summary>
    /// When a stopped peer's retries are surely at the cap: the doubling waits below the cap have all passed (each at
    /// most its full length, a tick late), plus a second.
    /// </summary>
    private TimeSpan CappedAfter
    {
        get
        {
            var waited = TimeSpan.Zero;
            for (var wait = Timing.SummaryInterval; wait < Timing.MaxBackoff; wait *= 2)
            {
                waited += wait + Timing.Tick;
            }

            return waited + TimeSpan.FromSeconds(1);
        }
    }

    [NetworkNamespaceFact]
    public async Task ACutLinkGivesPartialAnswersWithinTheDeadlineAndWholeOnesSoonAfterItHeals()
    {
        var (a, c) = (_clusters.All[0], _clusters.All[2]);
        var id = Guid.NewGuid().ToString("N")[..8];
        var traceId = ExportHops([a, c], [$"cut-front-{id}", $"cut-back-{id}"]);
        await EventuallyAsync(() => a.GetAsync($"/api/v1/traces/{traceId}?federated=true"), r => r.Status == 200 && r.Body.GetProperty("spans").GetArrayLength() == 3, Bound);
        await EventuallyAsync(() => a.GetAsync("/api/v1/federation/services"), r => !r.Body.GetProperty("partial").GetBoolean(), Bound);

        var cut = Stopwatch.StartNew();
        await _clusters.CutAsync();
        try
        {
            // Live: the packets to c are dropped, so a's call runs to the deadline and no further.
            var trace = await a.GetAsync($"/api/v1/traces/{traceId}?federated=true");
            Assert.True(trace.Took < Timing.PeerTimeout + Slack, $"took {trace.Took}");
            Assert.True(trace.Body.GetProperty("partial").GetBoolean(), trace.Body.ToString());
            Assert.Equal("timeout", Cluster(trace.Body, "c").GetProperty("status").GetString());
            Assert.Equal("ok", Cluster(trace.Body, "b").GetProperty("status").GetString());
            Assert.Equal(2, trace.Body.GetProperty("spans").GetArrayLength());

            // From the copies: partial once a pull sent after the cut has run to its deadline (or the copy is stale).
            var services = await EventuallyAsync(() => a.GetAsync("/api/v1/federation/services"), r => r.Body.GetProperty("partial").GetBoolean(), Bound, TimeSpan.FromMilliseconds(100));
            var noticed = cut.Elapsed;
            output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{Timing}: cut: a's services answer partial {noticed.TotalSeconds:0.00} s after the cut"));
            Assert.True(services.Body.GetProperty("partial").GetBoolean(), services.Body.ToString());
            Assert.Equal(["a:ok", "b:ok", "c:timeout"], Statuses(services.Body).Order(StringComparer.Ordinal));
            Assert.True(services.Took < Timing.PeerTimeout + Slack, $"took {services.Took}");
            Assert.True(noticed < Timing.SummaryInterval + Timing.Tick + Timing.PeerTimeout + Slack, $"noticed after {noticed}");

            await StaysBoundedAsync(a, "c", cut);
        }
        finally
        {
            await _clusters.HealAsync();
        }

        var healed = Stopwatch.StartNew();
        var back = await EventuallyAsync(() => a.GetAsync("/api/v1/federation/services"), r => !r.Body.GetProperty("partial").GetBoolean(), Bound, TimeSpan.FromMilliseconds(100));
        var converged = healed.Elapsed;
        var bound = Timing.PeerTimeout + Timing.MaxBackoff + Timing.Tick;
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{Timing}: cut: whole again {converged.TotalSeconds:0.00} s after the link came back (bound {bound.TotalSeconds:0.##} s + slack)"));
        Assert.False(back.Body.GetProperty("partial").GetBoolean(), back.Body.ToString());
        Assert.True(converged < bound + Slack, $"whole again only after {converged}");

        var whole = await EventuallyAsync(() => a.GetAsync($"/api/v1/traces/{traceId}?federated=true"), r => !r.Body.GetProperty("partial").GetBoolean(), Bound);
        Assert.Equal(3, whole.Body.GetProperty("spans").GetArrayLength());
    }

    [NetworkNamespaceFact]
    public async Task AStoppedPeerIsRetriedAtMostEveryCappedBackoffAndConvergesWithinItOnceBack()
    {
        var a = _clusters.All[0];
        await EventuallyAsync(() => a.GetAsync("/api/v1/federation/services"), r => !r.Body.GetProperty("partial").GetBoolean(), Bound);

        var down = Stopwatch.StartNew();
        await _clusters.KillAsync(1);
        try
        {
            var services = await EventuallyAsync(() => a.GetAsync("/api/v1/federation/services"), r => Statuses(r.Body).Contains("b:unavailable"), Bound, TimeSpan.FromMilliseconds(100));
            Assert.Contains("b:unavailable", Statuses(services.Body));
            Assert.True(services.Took < Timing.PeerTimeout + Slack, $"took {services.Took}");
            var noticed = down.Elapsed;
            output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{Timing}: stopped: a's services answer partial {noticed.TotalSeconds:0.00} s after the kill"));
            Assert.True(noticed < Timing.SummaryInterval + Timing.Tick + Slack, $"noticed after {noticed}");

            // A refused connection fails at once, so the gaps between a's attempts are the backoff's waits alone.
            var attempts = await StaysBoundedAsync(a, "b", down);
            var gaps = attempts.Zip(attempts.Skip(1), (x, y) => y - x).ToArray();
            output.WriteLine($"{Timing}: stopped: {attempts.Count} failed pulls in {down.Elapsed.TotalSeconds:0} s, gaps {string.Join(" ", gaps.Select(g => g.TotalSeconds.ToString("0.0", CultureInfo.InvariantCulture)))} s");

            // Once the doubling is past the cap, each wait is between half the cap and the cap: no gap is longer than
            // the cap (with a tick and the test's polling), and on average they are at least half of it (the mean
            // is immune to when the test happened to see each count).
            var capped = attempts.Where(t => t > CappedAfter).ToArray();
            var cappedGaps = capped.Zip(capped.Skip(1), (x, y) => y - x).ToArray();
            Assert.True(cappedGaps.Length >= 2, $"too few attempts after {CappedAfter} to judge the cap: {attempts.Count}");
            Assert.All(cappedGaps, g => Assert.True(g < Timing.MaxBackoff + Timing.Tick + TimeSpan.FromSeconds(1.5), $"a gap of {g}"));
            var mean = (capped[^1] - capped[0]) / cappedGaps.Length;
            output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{Timing}: stopped: capped gaps (after {CappedAfter.TotalSeconds:0.#} s) {string.Join(" ", cappedGaps.Select(g => g.TotalSeconds.ToString("0.0", CultureInfo.InvariantCulture)))} s, mean {mean.TotalSeconds:0.00} s"));
            Assert.True(mean >= (Timing.MaxBackoff / 2) - TimeSpan.FromSeconds(0.25), $"retried every {mean} on average: faster than the backoff allows");
        }
        finally
        {
            await _clusters.RestartAsync(1);
        }

        var ready = Stopwatch.StartNew();
        var back = await EventuallyAsync(() => a.GetAsync("/api/v1/federation/services"), r => !r.Body.GetProperty("partial").GetBoolean(), Bound, TimeSpan.FromMilliseconds(100));
        var converged = ready.Elapsed;
        // b's listener opens before it is ready: a pull then may fail (at most a deadline later) and wait its backoff.
        var bound = Timing.PeerTimeout + Timing.MaxBackoff + Timing.Tick;
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{Timing}: stopped: whole again {converged.TotalSeconds:0.00} s after b was ready again (bound {bound.TotalSeconds:0.##} s + one pull + slack)"));
        Assert.False(back.Body.GetProperty("partial").GetBoolean(), back.Body.ToString());
        Assert.True(converged < bound + Slack, $"whole again only after {converged}");
    }

    /// <summary>
    /// Watches <paramref name="cluster"/> while <paramref name="peer"/> is away until <see cref="Away"/> has passed on
    /// <paramref name="away"/>: every answer lists each cluster once, the missing one with a one-line error; returns
    /// the times at which a's failed pulls of it were counted.
    /// </summary>
    private async Task<List<TimeSpan>> StaysBoundedAsync(FederatedClusters.Cluster cluster, string peer, Stopwatch away)
    {
        var attempts = new List<TimeSpan>();
        var (_, failed) = await PullsAsync(cluster, peer);
        var lastCheck = TimeSpan.Zero;
        while (away.Elapsed < Away)
        {
            var (_, now) = await PullsAsync(cluster, peer);
            for (; failed < now; failed++)
            {
                attempts.Add(away.Elapsed);
            }

            if (away.Elapsed - lastCheck > TimeSpan.FromSeconds(1))
            {
                lastCheck = away.Elapsed;
                var answer = await cluster.GetAsync("/api/v1/federation/services");
                Assert.Equal(_clusters.All.Count, answer.Body.GetProperty("clusters").GetArrayLength());
                Assert.DoesNotContain($"{peer}:ok", Statuses(answer.Body));
                var detail = Cluster(answer.Body, peer).GetProperty("detail").GetString();
                Assert.False(string.IsNullOrEmpty(detail));
                Assert.DoesNotContain('\n', detail);
                Assert.True(detail.Length < 1000, detail);
            }

            await Task.Delay(200);
        }

        return attempts;
    }
}
