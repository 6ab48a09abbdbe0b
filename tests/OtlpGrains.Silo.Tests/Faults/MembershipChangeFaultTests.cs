using OtlpGrains.TestSupport;
using Xunit;
using Xunit.Abstractions;

namespace OtlpGrains.Silo.Tests.Faults;

/// <summary>
/// Silos come and go under load as Kubernetes makes them: a rolling update replaces each of three silos in turn, and a
/// scale-out adds a fourth before a scale-in stops one. Grains move each time; no request fails for good (the load
/// throws if one does) and every service counts exactly the acknowledged spans.
/// </summary>
[Collection(FaultCollection.Name)]
public sealed class MembershipChangeFaultTests(PostgresFixture postgres, ITestOutputHelper output) : IClassFixture<PostgresFixture>
{
    private static readonly TimeSpan GracefulStop = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task RollingRestartOfThreeSilosLosesAndDuplicatesNothing()
    {
        await using var cluster = FaultCluster.OnLoopback(await postgres.CreateDatabaseAsync("rolling"));
        try
        {
            await cluster.StartAsync(3);
            using var run = LoadRun.Start(cluster);
            await Task.Delay(TimeSpan.FromSeconds(5));

            var rollStarted = DateTime.UtcNow;
            for (var i = 0; i < 3; i++)
            {
                // As a rolling update does it: the pod leaves the Service's endpoints, gets SIGTERM, and its
                // replacement must be ready before the next pod goes.
                var old = cluster.Silos[i];
                run.Load.SetTargets(cluster.Endpoints.Where(e => e != old.GrpcEndpoint));
                await old.StopAsync(GracefulStop);
                var replacement = (await cluster.StartAsync(1))[0];
                run.Load.SetTargets(cluster.Endpoints);
                output.WriteLine($"silo {i + 1} replaced after {run.Load.Acknowledged} acknowledged requests");
            }

            var rollEnded = DateTime.UtcNow;
            await Task.Delay(TimeSpan.FromSeconds(5));
            await run.FinishAsync();

            RecoveryTimes.Report(output, "rolling restart of 3 silos", run.Load, rollStarted, rollEnded);
            Assert.All(cluster.Silos.Take(3), s => Assert.True(s.HasExited));
            await FaultCluster.AssertExactAsync(cluster.Silos[^1], run.Load, output);
        }
        catch
        {
            cluster.DumpOutput(output);
            throw;
        }
    }

    [Fact]
    public async Task ScaleOutToFourThenInToThreeUnderLoadKeepsCountsExact()
    {
        await using var cluster = FaultCluster.OnLoopback(await postgres.CreateDatabaseAsync("scale"));
        try
        {
            await cluster.StartAsync(3);
            using var run = LoadRun.Start(cluster);
            await Task.Delay(TimeSpan.FromSeconds(5));

            var scaleOutAt = DateTime.UtcNow;
            await cluster.StartAsync(1);
            run.Load.SetTargets(cluster.Endpoints);
            output.WriteLine($"a fourth silo joined after {run.Load.Acknowledged} acknowledged requests");
            await Task.Delay(TimeSpan.FromSeconds(8));

            var scaleInAt = DateTime.UtcNow;
            var leaving = cluster.Silos[0];
            run.Load.SetTargets(cluster.Endpoints.Where(e => e != leaving.GrpcEndpoint));
            await leaving.StopAsync(GracefulStop);
            var scaledIn = DateTime.UtcNow;
            output.WriteLine($"silo 1 stopped gracefully after {run.Load.Acknowledged} acknowledged requests");
            await Task.Delay(TimeSpan.FromSeconds(5));
            await run.FinishAsync();

            RecoveryTimes.Report(output, "scale out to 4", run.Load, scaleOutAt, scaleInAt);
            RecoveryTimes.Report(output, "scale in to 3", run.Load, scaleInAt, scaledIn);
            await FaultCluster.AssertExactAsync(cluster.Silos[^1], run.Load, output);
        }
        catch
        {
            cluster.DumpOutput(output);
            throw;
        }
    }
}
