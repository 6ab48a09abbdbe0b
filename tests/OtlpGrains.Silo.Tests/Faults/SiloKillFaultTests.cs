using System.Net.Http.Json;
using System.Text.Json;
using OtlpGrains.Hosting;
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
    private static readonly TimeSpan Ready = TimeSpan.FromSeconds(90);

    [Fact]
    public async Task AcknowledgedSpansAreCountedExactlyOnceAcrossKillStopAndRestart()
    {
        var database = await postgres.CreateDatabaseAsync("fault");
        var clusterId = "fault-" + Guid.NewGuid().ToString("N")[..8];
        var first = Enumerable.Range(0, 3).Select(_ => LoopbackPorts.Take(5)).ToArray();
        var silos = first.Select(ports => SiloProcess.Start(database, clusterId, ports)).ToList();
        try
        {
            await Task.WhenAll(silos.Select(s => s.WaitReadyAsync(Ready)));
            using var load = new FailoverLoad("fault-" + Guid.NewGuid().ToString("N")[..6], services: 6, silos.Select(s => s.GrpcEndpoint));
            using var stop = new CancellationTokenSource();
            var sending = load.RunAsync(streams: 4, stop.Token);

            await Task.Delay(TimeSpan.FromSeconds(5));
            var killedAt = DateTime.UtcNow;
            await silos[2].KillAsync();
            output.WriteLine($"SIGKILL silo 3 after {load.Acknowledged} acknowledged requests");
            var declaredDead = WaitDeclaredDeadAsync(database, clusterId, first[2][3], killedAt);

            await Task.Delay(TimeSpan.FromSeconds(12));
            output.WriteLine($"silo 3 declared dead in the membership table {(await declaredDead).TotalSeconds:F1} s after the SIGKILL");
            await silos[1].StopAsync(TimeSpan.FromSeconds(60));
            output.WriteLine($"silo 2 stopped gracefully after {load.Acknowledged} acknowledged requests");

            await Task.Delay(TimeSpan.FromSeconds(5));
            await stop.CancelAsync();
            await sending;
            output.WriteLine($"load done: {load.Acknowledged} requests acknowledged, {load.Retries} retries");
            var recovered = load.FirstAcknowledgedAfter(killedAt);
            Assert.NotNull(recovered);
            output.WriteLine($"longest wait of a request until a silo acknowledged it: {load.LongestWait.TotalSeconds:F1} s");

            await silos[0].StopAsync(TimeSpan.FromSeconds(60));
            foreach (var silo in silos)
            {
                await silo.DisposeAsync();
            }

            // The whole cluster again, on new ports, from what PostgreSQL holds.
            silos = [.. Enumerable.Range(0, 3).Select(_ => SiloProcess.Start(database, clusterId, LoopbackPorts.Take(5)))];
            await Task.WhenAll(silos.Select(s => s.WaitReadyAsync(Ready)));

            using var api = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{silos[0].ApiPort}") };
            var seen = await SiloFixture.EventuallyAsync(
                () => RequestsAsync(api, load.Services),
                counts => load.Services.All(s => counts.GetValueOrDefault(s) == load.Expected.GetValueOrDefault(s)));
            foreach (var service in load.Services)
            {
                output.WriteLine($"{service}: expected {load.Expected.GetValueOrDefault(service)}, seen {seen.GetValueOrDefault(service)}");
            }

            Assert.All(load.Services, s => Assert.Equal(load.Expected.GetValueOrDefault(s), seen.GetValueOrDefault(s)));
            Assert.All(load.Services, s => Assert.True(load.Expected.GetValueOrDefault(s) > 0));
        }
        catch
        {
            for (var i = 0; i < silos.Count; i++)
            {
                output.WriteLine($"--- silo {i + 1} output ---\n{silos[i].Output}");
            }

            throw;
        }
        finally
        {
            foreach (var silo in silos)
            {
                await silo.DisposeAsync();
            }
        }
    }

    /// <summary>How long after <paramref name="since"/> the silo's membership row turned Dead (status 6).</summary>
    private static async Task<TimeSpan> WaitDeclaredDeadAsync(string database, string clusterId, int siloPort, DateTime since)
    {
        await using var connection = new Npgsql.NpgsqlConnection(database);
        await connection.OpenAsync();
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (DateTime.UtcNow < deadline)
        {
            await using var command = new Npgsql.NpgsqlCommand(
                "SELECT status FROM orleans_membership WHERE deployment_id = $1 AND port = $2 ORDER BY generation DESC LIMIT 1", connection);
            command.Parameters.AddWithValue(clusterId);
            command.Parameters.AddWithValue(siloPort);
            if (await command.ExecuteScalarAsync() is int status && status == 6)
            {
                return DateTime.UtcNow - since;
            }

            await Task.Delay(200);
        }

        throw new TimeoutException($"the killed silo (port {siloPort}) was not declared dead within 60 s");
    }

    private static async Task<Dictionary<string, long>> RequestsAsync(HttpClient api, string[] services)
    {
        try
        {
            var doc = await api.GetFromJsonAsync<JsonElement>("/api/v1/services");
            return doc.GetProperty("services").EnumerateArray()
                .Where(s => services.Contains(s.GetProperty("name").GetString()))
                .ToDictionary(s => s.GetProperty("name").GetString()!, s => s.GetProperty("requests").GetInt64());
        }
        catch (HttpRequestException)
        {
            return [];
        }
    }
}

/// <summary>The fault test runs alone: it starts six silo processes and times failover, so it should not compete for
/// the two cores with the rest of the suite.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class FaultCollection
{
    public const string Name = "fault";
}
