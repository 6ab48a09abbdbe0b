using Microsoft.Extensions.DependencyInjection;
using Orleans.Serialization;
using OtlpGrains.Grains.Services;
using OtlpGrains.Models.Services;
using Xunit;
using Xunit.Abstractions;

namespace OtlpGrains.Grains.Tests.Checkpoints;

/// <summary>
/// Bytes a service writes per checkpoint, for a service of a short load-tool run and for one that filled its
/// retention; printed for the record (run with <c>--logger "console;verbosity=detailed"</c>).
/// </summary>
public sealed class CheckpointSizeTests(ITestOutputHelper output) : IDisposable
{
    private readonly ServiceProvider _services = new ServiceCollection().AddSerializer().BuildServiceProvider();

    public void Dispose() => _services.Dispose();

    [Fact]
    public void AFullRetentionCheckpointOutweighsAShortRunsOne()
    {
        var options = new ServiceWindowOptions();
        var service = new LoadShapedService(options, spansPerSecond: 600);
        service.Run(60);
        long shortRun = CheckpointBytes(service, RecentIds(60));
        service.Run(options.RetentionSeconds + 60);
        long full = CheckpointBytes(service, RecentIds(options.RetentionSeconds + 120));

        output.WriteLine($"checkpoint bytes per service: 60 s load run {shortRun:N0}; full retention ({options.RetentionSeconds} s) {full:N0}");
        Assert.True(full > 10 * shortRun, $"full {full} vs short {shortRun}");
    }

    // The load tool's default run (20 services, 512 spans per request, ~120k spans/s) gives each service about 35
    // batches a second: the ids of the last RecentBatchIds.Capacity of them are in every checkpoint.
    private static RecentBatchIds RecentIds(int seconds)
    {
        var ids = new RecentBatchIds();
        for (int i = 0; i < Math.Min(RecentBatchIds.Capacity, seconds * 35); i++)
        {
            ids.TryAdd(Guid.NewGuid());
        }

        return ids;
    }

    private long CheckpointBytes(LoadShapedService service, RecentBatchIds recent)
    {
        var checkpoint = new ServiceCheckpoint { Statistics = service.Statistics, AppliedSequence = 1, RecentBatchIds = recent, Detection = service.Detection };
        return _services.GetRequiredService<Serializer>().SerializeToArray(checkpoint).Length;
    }
}
