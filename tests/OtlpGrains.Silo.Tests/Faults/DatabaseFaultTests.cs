using Grpc.Core;
using OtlpGrains.TestSupport;
using Xunit;
using Xunit.Abstractions;

namespace OtlpGrains.Silo.Tests.Faults;

/// <summary>
/// The database fails under load while two durable silos take it: nothing is acknowledged that is not logged, refusals
/// are clear and retryable, and once the database is back every service counts exactly the acknowledged spans.
/// </summary>
[Collection(FaultCollection.Name)]
public sealed class DatabaseFaultTests(PostgresFixture postgres, ITestOutputHelper output) : IClassFixture<PostgresFixture>
{
    // Acks for batches committed just before a fault may still be on their way back to the sender.
    private static readonly TimeSpan InFlightGrace = TimeSpan.FromSeconds(2);

    [Fact]
    public async Task DatabaseStoppedForTwentySecondsRefusesEverythingThenResumesWithExactCounts()
    {
        await using var cluster = FaultCluster.OnLoopback(await postgres.CreateDatabaseAsync("dbstop"));
        try
        {
            var silos = await cluster.StartAsync(2);
            using var run = LoadRun.Start(cluster);
            await Task.Delay(TimeSpan.FromSeconds(5));

            var stoppedAt = DateTime.UtcNow;
            await postgres.StopAsync(immediate: true);
            output.WriteLine($"pg_ctl stop -m immediate after {run.Load.Acknowledged} acknowledged requests");
            var notReady = await Task.WhenAll(silos.Select(FaultCluster.ReadinessAsync));
            await Task.Delay(stoppedAt + TimeSpan.FromSeconds(20) - DateTime.UtcNow);
            var acknowledgedWhileDown = run.Load.AcknowledgedBetween(stoppedAt + InFlightGrace, DateTime.UtcNow);

            await postgres.StartAsync();
            var startedAt = DateTime.UtcNow;
            await Task.WhenAll(silos.Select(s => s.WaitReadyAsync(FaultCluster.Ready)));
            await Task.Delay(TimeSpan.FromSeconds(5));
            await run.FinishAsync();

            RecoveryTimes.Report(output, "database stopped 20 s", run.Load, stoppedAt, startedAt);
            Assert.All(notReady, status => Assert.Equal(503, status));
            Assert.Equal(0, acknowledgedWhileDown);
            Assert.True(run.Load.RefusalCodes.GetValueOrDefault(StatusCode.Unavailable) > 0, "no UNAVAILABLE refusal while the database was down");
            Assert.NotNull(run.Load.FirstAcknowledgedAfter(startedAt));
            await FaultCluster.AssertExactAsync(silos[0], run.Load, output);
        }
        catch
        {
            cluster.DumpOutput(output);
            throw;
        }
    }

    [Fact]
    public async Task BatchLogLockedForTenSecondsTimesOutAsRefusalsAndCountsNothingTwice()
    {
        var database = await postgres.CreateDatabaseAsync("dblock");
        await using var cluster = FaultCluster.OnLoopback(database);
        try
        {
            var silos = await cluster.StartAsync(2);
            using var run = LoadRun.Start(cluster);
            await Task.Delay(TimeSpan.FromSeconds(5));

            var lockedAt = DateTime.UtcNow;
            var tableLock = await LogTableLock.TakeAsync(database);
            output.WriteLine($"LOCK TABLE otlpgrains_service_batches IN EXCLUSIVE MODE after {run.Load.Acknowledged} acknowledged requests");
            await Task.Delay(TimeSpan.FromSeconds(10));
            var acknowledgedWhileLocked = run.Load.AcknowledgedBetween(lockedAt + InFlightGrace, DateTime.UtcNow);
            await tableLock.DisposeAsync();
            var releasedAt = DateTime.UtcNow;

            await Task.Delay(TimeSpan.FromSeconds(5));
            await run.FinishAsync();

            RecoveryTimes.Report(output, "batch log locked 10 s", run.Load, lockedAt, releasedAt);
            Assert.Equal(0, acknowledgedWhileLocked);
            Assert.True(run.Load.Retries > 0, "no request was refused while the log was locked");
            Assert.NotNull(run.Load.FirstAcknowledgedAfter(releasedAt));
            await FaultCluster.AssertExactAsync(silos[0], run.Load, output);
        }
        catch
        {
            cluster.DumpOutput(output);
            throw;
        }
    }
}
