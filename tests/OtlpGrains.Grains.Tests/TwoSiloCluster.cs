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
    }

    public async Task DisposeAsync() => await Cluster.DisposeAsync();

    private sealed class StreamsClient : IClientBuilderConfigurator
    {
        public void Configure(Microsoft.Extensions.Configuration.IConfiguration configuration, IClientBuilder client) =>
            client.AddMemoryStreams(StreamNames.Provider);
    }
}
