using Microsoft.Extensions.DependencyInjection;
using Orleans.TestingHost;
using OtlpGrains.Grains.Traces;
using OtlpGrains.Interfaces;
using Xunit;

namespace OtlpGrains.Grains.Tests;

/// <summary>A two-silo in-process test cluster with the grains registered as the silo host registers them.</summary>
public sealed class ClusterFixture : TwoSiloCluster<ClusterFixture.SiloConfigurator>
{
    /// <summary>Polls until <paramref name="check"/> holds or 20 s pass; returns the last value for the assertion.</summary>
    public static async Task<T> EventuallyAsync<T>(Func<Task<T>> read, Func<T, bool> check)
    {
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (true)
        {
            var value = await read();
            if (check(value) || DateTime.UtcNow > deadline)
            {
                return value;
            }

            await Task.Delay(100);
        }
    }

    public sealed class SiloConfigurator : ISiloConfigurator
    {
        public void Configure(ISiloBuilder siloBuilder)
        {
            siloBuilder.AddOtlpGrainsMemoryStorage();
            siloBuilder.AddBoundedMemoryTraceStore();
            siloBuilder.AddOtlpGrains();
            siloBuilder.AddOtlpGrainsStreams();
            siloBuilder.Services.Configure<TraceOptions>(o =>
            {
                o.IdleSeconds = 0.5;
                o.SampleProbability = 0;
            });
            siloBuilder.Services.Configure<OtlpGrains.Grains.Joins.JoinOptions>(o => o.TtlSeconds = 1);
        }
    }
}

[CollectionDefinition(Name)]
public sealed class ClusterCollection : ICollectionFixture<ClusterFixture>
{
    public const string Name = "cluster";
}
