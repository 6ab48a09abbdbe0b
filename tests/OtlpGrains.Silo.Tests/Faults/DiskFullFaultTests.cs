using Grpc.Core;
using Xunit;
using Xunit.Abstractions;

namespace OtlpGrains.Silo.Tests.Faults;

/// <summary>
/// The database's disk fills under load: PostgreSQL refuses to extend the batch log, the silos refuse the batches
/// (retryable UNAVAILABLE) instead of acknowledging them, and once space is freed ingest resumes by itself with exact
/// counts.
/// </summary>
[Collection(FaultCollection.Name)]
public sealed class DiskFullFaultTests(SmallVolumePostgresFixture postgres, ITestOutputHelper output) : IClassFixture<SmallVolumePostgresFixture>
{
    [Fact]
    public async Task FullDiskRefusesBatchesAndRecoversOnceSpaceIsFreed()
    {
        await using var cluster = FaultCluster.OnLoopback(await postgres.CreateDatabaseAsync("diskfull"));
        try
        {
            var silos = await cluster.StartAsync(2);
            using var run = LoadRun.Start(cluster);
            await Task.Delay(TimeSpan.FromSeconds(5));

            var filledAt = DateTime.UtcNow;
            var filled = await postgres.FillAsync();
            output.WriteLine($"data volume filled ({filled / (1 << 20)} MiB written) after {run.Load.Acknowledged} acknowledged requests");
            var refused = await WaitAsync(() => run.Load.FirstRefusedAfter(filledAt) is not null, TimeSpan.FromSeconds(60));
            var acknowledgedBefore = run.Load.Acknowledged;
            await Task.Delay(TimeSpan.FromSeconds(15));
            var acknowledgedWhileFull = run.Load.Acknowledged - acknowledgedBefore;

            postgres.Free();
            var freedAt = DateTime.UtcNow;
            await Task.WhenAll(silos.Select(s => s.WaitReadyAsync(FaultCluster.Ready)));
            await WaitAsync(() => run.Load.FirstAcknowledgedAfter(freedAt) is not null, TimeSpan.FromSeconds(60));
            await Task.Delay(TimeSpan.FromSeconds(5));
            await run.FinishAsync();

            RecoveryTimes.Report(output, "data volume full", run.Load, filledAt, freedAt);
            output.WriteLine($"requests acknowledged in the 15 s after the first refusal with the volume full: {acknowledgedWhileFull}");
            Assert.True(refused, "no request was refused after the data volume filled");
            Assert.True(run.Load.RefusalCodes.GetValueOrDefault(StatusCode.Unavailable) > 0, "no UNAVAILABLE refusal with the volume full");
            Assert.NotNull(run.Load.FirstAcknowledgedAfter(freedAt));
            await FaultCluster.AssertExactAsync(silos[0], run.Load, output);
        }
        catch
        {
            cluster.DumpOutput(output);
            output.WriteLine($"--- PostgreSQL log ---\n{postgres.ServerLog()}");
            throw;
        }
        finally
        {
            postgres.Free();
        }
    }

    private static async Task<bool> WaitAsync(Func<bool> condition, TimeSpan limit)
    {
        var deadline = DateTime.UtcNow + limit;
        while (!condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                return false;
            }

            await Task.Delay(50);
        }

        return true;
    }
}
