using Npgsql;
using Xunit;
using Xunit.Abstractions;

namespace OtlpGrains.Silo.Tests.Faults;

/// <summary>
/// A network partition under load: three durable silos, each in its own network namespace; one is cut off from the
/// others, the database and the senders for 30 s. The rest declare it dead and take over its grains; once the link is
/// back, the cut-off silo learns it was declared dead and stops itself, as Orleans does. Batches it was taking when it
/// was cut off were never acknowledged by it, and the senders' retries are counted once.
/// </summary>
[Collection(FaultCollection.Name)]
public sealed class PartitionFaultTests(PostgresOnSiloNetworkFixture postgres, ITestOutputHelper output) : IClassFixture<PostgresOnSiloNetworkFixture>
{
    private const int Isolated = 2;

    [Fact]
    public async Task SiloCutOffForThirtySecondsIsDeclaredDeadStopsItselfAndCountsStayExact()
    {
        await using var network = await SiloNetwork.CreateAsync();
        for (var i = 0; i < 3; i++)
        {
            await network.AddNamespaceAsync(i);
        }

        var database = new NpgsqlConnectionStringBuilder(await postgres.CreateDatabaseAsync("partition")) { Host = network.HostAddress }.ConnectionString;
        await using var cluster = FaultCluster.Create(database, (cluster, index, ports) =>
            SiloProcess.StartInNamespace(database, cluster.ClusterId, ports, network.Namespace(index), network.Address(index)));
        try
        {
            var silos = await cluster.StartAsync(3);
            using var run = LoadRun.Start(cluster);
            await Task.Delay(TimeSpan.FromSeconds(5));

            var cutAt = DateTime.UtcNow;
            await network.CutAsync(Isolated);
            output.WriteLine($"silo {Isolated + 1} cut off after {run.Load.Acknowledged} acknowledged requests");
            var declaredDead = await cluster.DeclaredDeadAsync(silos[Isolated], TimeSpan.FromSeconds(30));
            output.WriteLine(declaredDead is { } dead ? $"declared dead {(dead - cutAt).TotalSeconds:F1} s after the cut" : "not declared dead within 30 s");
            await Task.Delay(cutAt + TimeSpan.FromSeconds(30) - DateTime.UtcNow);

            await network.HealAsync(Isolated);
            var healedAt = DateTime.UtcNow;
            var stoppedItself = await silos[Isolated].WaitExitAsync(TimeSpan.FromSeconds(60));
            output.WriteLine(stoppedItself ? $"the cut-off silo stopped itself {(DateTime.UtcNow - healedAt).TotalSeconds:F1} s after the link came back" : "the cut-off silo was still running 60 s after the link came back");
            await Task.Delay(TimeSpan.FromSeconds(3));
            await run.FinishAsync();

            RecoveryTimes.Report(output, "silo cut off 30 s", run.Load, cutAt, healedAt);
            Assert.NotNull(declaredDead);
            Assert.True(stoppedItself, "the cut-off silo did not stop itself after it was declared dead");
            Assert.False(silos[0].HasExited || silos[1].HasExited, "a silo on the majority side stopped");
            await FaultCluster.AssertExactAsync(silos[0], run.Load, output);
        }
        catch
        {
            cluster.DumpOutput(output);
            throw;
        }
    }
}
