using Orleans.TestingHost;
using OtlpGrains.Interfaces;
using Xunit;

namespace OtlpGrains.Grains.Tests;

/// <summary>
/// A two-silo in-process test cluster whose silos <typeparamref name="TSilo"/> configures, with a client that has the
/// memory streams (so a test can subscribe to the <c>anomalies</c>, <c>models</c> and <c>incidents</c> streams).
/// </summary>
public abstract class TwoSiloCluster<TSilo> : IAsyncLifetime
    where TSilo : ISiloConfigurator, new()
{
    public TestCluster Cluster { get; private set; } = null!;

    public IGrainFactory Grains => Cluster.GrainFactory;

    public async Task InitializeAsync()
    {
        var builder = new TestClusterBuilder(2);
        builder.AddSiloBuilderConfigurator<TSilo>();
        builder.AddClientBuilderConfigurator<StreamsClient>();
        Cluster = builder.Build();
        await Cluster.DeployAsync();
        await BothSilosActiveAsync();
    }

    // DeployAsync returns once both silos have started, which can be before membership shows the second one as
    // active; until then every placement lands on the first, and tests that need a grain on each silo would fail.
    private async Task BothSilosActiveAsync()
    {
        var management = Grains.GetGrain<IManagementGrain>(0);
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while ((await management.GetHosts(onlyActive: true)).Count < 2)
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException("the second test silo did not become active in membership within 60 s");
            }

            await Task.Delay(100);
        }
    }

    public async Task DisposeAsync() => await Cluster.DisposeAsync();

    private sealed class StreamsClient : IClientBuilderConfigurator
    {
        public void Configure(Microsoft.Extensions.Configuration.IConfiguration configuration, IClientBuilder client) =>
            client.AddMemoryStreams(StreamNames.Provider);
    }
}
