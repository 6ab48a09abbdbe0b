using OtlpGrains.TestSupport;
using Xunit.Abstractions;
using Xunit;

namespace OtlpGrains.Silo.Tests.Faults;

/// <summary>
/// The durability promise, in process-level reality: three silo processes share one PostgreSQL; load runs through
/// their gateways; one silo is SIGKILLed mid-run and another stopped gracefully; then the whole cluster restarts.
/// Every service's requests total must equal the SERVER spans that were acknowledged, no more, no less.
/// </summary>
[Collection(FaultCollection.Name)]
public sealed class SiloKillFaultTests(PostgresFixture postgres, ITestOutputHelper output) : IClassFixture<PostgresFixture>
{
    private static readonly TimeSpan GracefulStop = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task AcknowledgedSpansAreCountedExactlyOnceAcrossKillStopAndRestart()
    {
        await using var cluster = FaultCluster.OnLoopback(await postgres.CreateDatabaseAsync("fault"));
        try
        {
            var silos = await cluster.StartAsync(3);
            using var run = LoadRun.Start(cluster);
            await Task.Delay(TimeSpan.FromSeconds(5));

            var killedAt = DateTime.UtcNow;
            await silos[2].KillAsync();
            output.WriteLine($"SIGKILL silo 3 after {run.Load.Acknowledged} acknowledged requests");
            var declaredDead = cluster.DeclaredDeadAsync(silos[2], TimeSpan.FromSeconds(60));

            await Task.Delay(TimeSpan.FromSeconds(12));
            var dead = await declaredDead;
            output.WriteLine(dead is { } at ? $"silo 3 declared dead in the membership table {(at - killedAt).TotalSeconds:F1} s after the SIGKILL" : "silo 3 not declared dead within 60 s");
            run.Load.SetTargets(cluster.Endpoints.Where(e => e != silos[1].GrpcEndpoint));
            await silos[1].StopAsync(GracefulStop);
            output.WriteLine($"silo 2 stopped gracefully after {run.Load.Acknowledged} acknowledged requests");

            await Task.Delay(TimeSpan.FromSeconds(5));
            await run.FinishAsync();
            RecoveryTimes.Report(output, "SIGKILL of one silo of three", run.Load, killedAt, dead ?? killedAt);
            Assert.NotNull(dead);
            Assert.NotNull(run.Load.FirstAcknowledgedAfter(killedAt));

            // The whole cluster again, on new ports, from what PostgreSQL holds.
            await silos[0].StopAsync(GracefulStop);
            var restarted = await cluster.StartAsync(3);
            await FaultCluster.AssertExactAsync(restarted[0], run.Load, output);
        }
        catch
        {
            cluster.DumpOutput(output);
            throw;
        }
    }
}

/// <summary>The fault tests run alone: each starts several silo processes and times failover, so they should not
/// compete for the two cores with the rest of the suite.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class FaultCollection
{
    public const string Name = "fault";
}
