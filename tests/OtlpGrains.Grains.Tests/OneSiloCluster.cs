using Orleans.TestingHost;
using Xunit;

namespace OtlpGrains.Grains.Tests;

/// <summary>A one-silo in-process test cluster whose silo <typeparamref name="TSilo"/> configures.</summary>
public abstract class OneSiloCluster<TSilo> : IAsyncLifetime
    where TSilo : ISiloConfigurator, new()
{
    public TestCluster Cluster { get; private set; } = null!;

    public IGrainFactory Grains => Cluster.GrainFactory;

    public async Task InitializeAsync()
    {
        var builder = new TestClusterBuilder(1);
        builder.AddSiloBuilderConfigurator<TSilo>();
        Cluster = builder.Build();
        await Cluster.DeployAsync();
    }

    public async Task DisposeAsync() => await Cluster.DisposeAsync();
}
