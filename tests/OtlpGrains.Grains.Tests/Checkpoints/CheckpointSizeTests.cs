using Microsoft.Extensions.DependencyInjection;
using Orleans.Serialization;
using OtlpGrains.Grains.Services;
using OtlpGrains.Models.Services;
using Xunit;
using Xunit.Abstractions;

namespace OtlpGrains.Grains.Tests.Checkpoints;

/// <summary>
/// Bytes a service writes per checkpoint (the head plus the sealed windows it stores), every 5 s as the grain does,
/// for a service of a short load-tool run and for one that filled its retention, against the whole state that a
/// checkpoint wrote before checkpoints were incremental. The numbers are printed for the record:
/// <c>dotnet test tests/OtlpGrains.Grains.Tests -c Release --filter CheckpointSizeTests --logger "console;verbosity=detailed"</c>.
/// </summary>
public sealed class CheckpointSizeTests(ITestOutputHelper output) : IDisposable
{
    private const int CheckpointSeconds = 5;

    private readonly ServiceProvider _services = new ServiceCollection().AddSerializer().BuildServiceProvider();
    private long _storedBytes;

    public void Dispose() => _services.Dispose();

    private Serializer Serializer => _services.GetRequiredService<Serializer>();

    [Fact]
    public void AFullServiceWritesAFractionOfItsStatePerCheckpoint()
    {
        var options = new ServiceWindowOptions();

        // Two services fed alike: one checkpointed incrementally, one whose whole state is what a checkpoint wrote before.
        var service = new LoadShapedService(options, spansPerSecond: 600);
        var whole = new LoadShapedService(options, spansPerSecond: 600);

        // A 60 s load-tool run, checkpointed every 5 s.
        (long shortRun, long shortWhole) = RunCheckpointed(service, whole, 60, RecentIds(60));

        // Then the rest of an hour and a minute: the retention is full and windows fall out of it.
        service.Run(options.RetentionSeconds);
        whole.Run(options.RetentionSeconds);
        long once = Checkpoint(service, RecentIds(options.RetentionSeconds + 60));
        _storedBytes = 0;
        RecentBatchIds recent = RecentIds(options.RetentionSeconds + 120);
        (long full, long fullWhole) = RunCheckpointed(service, whole, 60, recent); // 12 checkpoints

        output.WriteLine($"bytes per service per checkpoint (every {CheckpointSeconds} s, averaged over 60 s):");
        output.WriteLine($"  60 s load run:  whole state {shortWhole:N0}, incremental {shortRun:N0}");
        output.WriteLine($"  full retention: whole state {fullWhole:N0}, incremental {full:N0} (of which stored windows {_storedBytes / 12:N0})");
        output.WriteLine($"  the first incremental checkpoint of the full service, which stores every sealed window once: {once:N0}");
        output.WriteLine($"  of the full service's head: recent batch ids {Size(recent):N0}, detection {Size(service.Detection):N0}, statistics {Size(service.Statistics):N0}");
        Assert.True(full * 4 < fullWhole, $"incremental {full} B vs whole {fullWhole} B");
    }

    // Average bytes per checkpoint over the seconds: incremental (head + stored windows), and the whole state.
    private (long Incremental, long Whole) RunCheckpointed(LoadShapedService service, LoadShapedService whole, int seconds, RecentBatchIds recent)
    {
        long incrementalBytes = 0;
        long wholeBytes = 0;
        int checkpoints = 0;
        for (int s = 0; s < seconds; s += CheckpointSeconds)
        {
            service.Run(CheckpointSeconds);
            whole.Run(CheckpointSeconds);
            wholeBytes += Size(Head(whole, recent));
            incrementalBytes += Checkpoint(service, recent);
            checkpoints++;
        }

        return (incrementalBytes / checkpoints, wholeBytes / checkpoints);
    }

    private long Size<T>(T value) => Serializer.SerializeToArray(value).Length;

    // What the grain writes: the sealed windows not stored yet, then the head.
    private long Checkpoint(LoadShapedService service, RecentBatchIds recent)
    {
        SealedWindowBatch batch = service.Statistics.UnstoredWindows();
        long windows = batch.Windows.Sum(window => Size(window));
        _storedBytes += windows;
        service.Statistics.MarkStored(batch);
        return windows + Size(Head(service, recent));
    }

    private static ServiceCheckpoint Head(LoadShapedService service, RecentBatchIds recent) =>
        new() { Statistics = service.Statistics, AppliedSequence = 1, RecentBatchIds = recent, Detection = service.Detection };

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
}
