using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;
using Orleans.TestingHost;

namespace OtlpGrains.Grains.Tests;

/// <summary>One of the grains' counters, read from every silo of the test cluster while a test runs.</summary>
internal sealed class SiloCollectors(MetricCollector<long>[] collectors) : IDisposable
{
    public static SiloCollectors Of(ClusterFixture fixture, string instrument) => Of(fixture.Cluster, instrument);

    public static SiloCollectors Of(TestCluster cluster, string instrument) =>
        new([.. cluster.Silos.Select(silo => new MetricCollector<long>(
            ((InProcessSiloHandle)silo).SiloHost.Services.GetRequiredService<IMeterFactory>(), GrainInstruments.MeterName, instrument))]);

    public long Sum() => collectors.Sum(c => c.GetMeasurementSnapshot().Sum(m => m.Value));

    /// <summary>The sum of the measurements with this <c>side</c> tag.</summary>
    public long Sum(string side) => collectors.Sum(c => c.GetMeasurementSnapshot().Where(m => Equals(m.Tags.GetValueOrDefault("side"), side)).Sum(m => m.Value));

    public void Dispose()
    {
        foreach (var collector in collectors)
        {
            collector.Dispose();
        }
    }
}
