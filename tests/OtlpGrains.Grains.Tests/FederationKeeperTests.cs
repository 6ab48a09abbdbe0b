using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;
using Orleans.Core.Internal;
using Orleans.TestingHost;
using OtlpGrains.Grains.Federation;
using OtlpGrains.Grains.Traces;
using OtlpGrains.Interfaces;
using Xunit;

namespace OtlpGrains.Grains.Tests;

/// <summary>
/// The federation grain is kept active by its timer; when it goes away (its silo died, or it was deactivated), the
/// silos bring it back within a summary interval, and its pulls resume without anyone querying it.
/// </summary>
public sealed class FederationKeeperTests(FederationKeeperTests.Fixture fixture) : IClassFixture<FederationKeeperTests.Fixture>
{
    [Fact]
    public async Task AFederationGrainThatWentAwayIsBroughtBackAndPullsAgainWithoutAQuery()
    {
        using var pulls = new SiloPulls(fixture.Cluster);
        Assert.True(await ClusterFixture.EventuallyAsync(() => Task.FromResult(pulls.Sum()), n => n > 0) > 0, "the grain never pulled its peer");

        await fixture.Grains.GetGrain<IFederationGrain>(IFederationGrain.DefaultKey).AsReference<IGrainManagementExtension>().DeactivateOnIdle();

        // Pulls in flight end within the peer deadline (the peer refuses at once); after that only a new activation pulls.
        await Task.Delay(TimeSpan.FromSeconds(1.5));
        long before = pulls.Sum();
        long after = await ClusterFixture.EventuallyAsync(() => Task.FromResult(pulls.Sum()), n => n > before);
        Assert.True(after > before, $"no pull after the grain went away ({before} before)");
    }

    public sealed class Fixture : TwoSiloCluster<Fixture.SiloConfigurator>
    {
        public sealed class SiloConfigurator : ISiloConfigurator
        {
            public void Configure(ISiloBuilder siloBuilder)
            {
                siloBuilder.AddOtlpGrainsMemoryStorage();
                siloBuilder.AddBoundedMemoryTraceStore();
                siloBuilder.AddOtlpGrains();
                siloBuilder.AddOtlpGrainsStreams();
                siloBuilder.Services.Configure<FederationOptions>(o =>
                {
                    // A peer that refuses connections at once (the discard port, nothing listens): every pull fails fast.
                    o.ClusterName = "here";
                    o.Peers.Add(new FederationPeerOptions { Name = "gone", Endpoint = "http://127.0.0.1:9" });
                    o.SummaryIntervalSeconds = 0.5;
                    o.PeerTimeoutSeconds = 0.5;
                    o.MaxBackoffSeconds = 1;
                });
            }
        }
    }

    // The federation meter's pulls on every silo of the cluster.
    private sealed class SiloPulls(TestCluster cluster) : IDisposable
    {
        private readonly MetricCollector<long>[] _collectors = [.. cluster.Silos.Select(silo => new MetricCollector<long>(
            ((InProcessSiloHandle)silo).SiloHost.Services.GetRequiredService<System.Diagnostics.Metrics.IMeterFactory>(), FederationInstruments.MeterName, "pulls_total"))];

        public long Sum() => _collectors.Sum(c => c.GetMeasurementSnapshot().Sum(m => m.Value));

        public void Dispose()
        {
            foreach (var collector in _collectors)
            {
                collector.Dispose();
            }
        }
    }
}
