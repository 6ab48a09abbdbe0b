using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using OpenTelemetry.Exporter;
using OtlpGrains.Hosting;
using OtlpGrains.Silo.Tests.Faults;
using OtlpGrains.TestSupport;
using Xunit;
using Xunit.Abstractions;

namespace OtlpGrains.Silo.Tests;

/// <summary>
/// A silo stopped with SIGTERM while traces are still being assembled in its trace shards (a long idle time keeps
/// them there): in durable mode the shards finish them and the kept ones are in PostgreSQL for the next silo; in
/// either mode the stop is quiet, with no failed grain calls to a leaving silo and no stack traces in the output.
/// </summary>
[Collection(FaultCollection.Name)]
public sealed class GracefulStopTraceTests(PostgresFixture postgres, ITestOutputHelper output) : IClassFixture<PostgresFixture>
{
    private const int Traces = 40;

    private static readonly TimeSpan Ready = TimeSpan.FromSeconds(90);

    // Far beyond the test: no trace completes by idleness, so at the SIGTERM every trace is still in its shard.
    private static readonly Dictionary<string, string> HoldTraces = new() { ["OtlpGrains__Traces__IdleSeconds"] = "3600" };

    [Fact]
    public async Task KeptTracesPendingAtSigtermAreStoredAndReadByTheNextSilo()
    {
        var database = await postgres.CreateDatabaseAsync("graceful_traces");
        var clusterId = "stop-" + Guid.NewGuid().ToString("N")[..8];
        var first = SiloProcess.Start(database, clusterId, LoopbackPorts.Take(5), HoldTraces);
        SiloProcess? second = null;
        try
        {
            await first.WaitReadyAsync(Ready);
            var scenario = await SendPendingTracesAsync(first);
            await first.StopAsync(TimeSpan.FromSeconds(60));

            second = SiloProcess.Start(database, clusterId, LoopbackPorts.Take(5));
            await second.WaitReadyAsync(Ready);
            await AssertErrorTracesKeptAsync(second, scenario);
            AssertQuiet(first.Output);
            AssertDrainedWithoutLoss(first.Output);

            // The edge calls the drain handed on were checkpointed by their service grains as the silo stopped.
            using var api = Api(second);
            Assert.Equal(Traces, await SiloFixture.EventuallyAsync(() => EdgeCallsAsync(api, scenario.Frontend, scenario.Cart), c => c == Traces));

            // The pruning of the kept traces reports on /metrics (nothing pruned: 9 or so traces are far within the limits).
            var metrics = await api.GetStringAsync(new Uri("/metrics", UriKind.Relative));
            Assert.Contains("otlpgrains_storage_kept_traces_pruned_total{reason=\"age\"} 0", metrics, StringComparison.Ordinal);
            Assert.Contains("otlpgrains_storage_kept_traces_pruned_total{reason=\"count\"} 0", metrics, StringComparison.Ordinal);
        }
        catch
        {
            output.WriteLine($"--- stopped silo ---\n{first.Output}\n--- next silo ---\n{second?.Output}");
            throw;
        }
        finally
        {
            await first.DisposeAsync();
            if (second is not null)
            {
                await second.DisposeAsync();
            }
        }
    }

    [Fact]
    public async Task ASiloThatStopsBesideAPeerAsksItAndHandsItsEdgeCallsOn()
    {
        var database = await postgres.CreateDatabaseAsync("graceful_peers");
        var clusterId = "peers-" + Guid.NewGuid().ToString("N")[..8];

        // The traces go in while the first silo is alone, so that all its trace shards are there; then a peer joins.
        var silos = new List<SiloProcess> { SiloProcess.Start(database, clusterId, LoopbackPorts.Take(5), HoldTraces) };
        try
        {
            await silos[0].WaitReadyAsync(Ready);
            var scenario = await SendPendingTracesAsync(silos[0]);
            silos.Add(SiloProcess.Start(database, clusterId, LoopbackPorts.Take(5), HoldTraces));
            await silos[1].WaitReadyAsync(Ready);

            await silos[0].StopAsync(TimeSpan.FromSeconds(60));
            AssertOursQuiet(silos[0].Output);
            AssertDrainedWithoutLoss(silos[0].Output);

            // The edge calls reached the service grains, which now live on the peer.
            using (var api = Api(silos[1]))
            {
                var calls = await SiloFixture.EventuallyAsync(() => EdgeCallsAsync(api, scenario.Frontend, scenario.Cart), c => c == Traces);
                Assert.Equal(Traces, calls);
            }

            await AssertErrorTracesKeptAsync(silos[1], scenario);
        }
        catch
        {
            for (var i = 0; i < silos.Count; i++)
            {
                output.WriteLine($"--- silo {i + 1} ---\n{silos[i].Output}");
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

    [Fact]
    public async Task SigtermWithTracesPendingIsQuietInMemoryMode()
    {
        await using var silo = SiloProcess.StartInMemory(LoopbackPorts.Take(5), HoldTraces);
        try
        {
            await silo.WaitReadyAsync(Ready);
            await SendPendingTracesAsync(silo);
            await silo.StopAsync(TimeSpan.FromSeconds(60));

            AssertQuiet(silo.Output);

            // The shards drained while the silo was still active; in memory mode the store then stops with the silo.
            AssertDrainedWithoutLoss(silo.Output);
        }
        catch
        {
            output.WriteLine($"--- stopped silo ---\n{silo.Output}");
            throw;
        }
    }

    /// <summary>The scenario's traces that failed (in frontend or in cart): tail sampling keeps them all.</summary>
    private static int[] ErrorTraces => [.. Enumerable.Range(0, Traces).Where(i => CheckoutScenario.FrontendFails(i) || CheckoutScenario.CartFails(i))];

    /// <summary>Every error trace of the scenario, whole, from the silo's query API.</summary>
    private async Task AssertErrorTracesKeptAsync(SiloProcess silo, CheckoutScenario scenario)
    {
        using var api = Api(silo);
        foreach (var i in ErrorTraces)
        {
            var response = await api.GetAsync(new Uri($"/api/v1/traces/{scenario.TraceIds[i]}", UriKind.Relative));
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            var trace = await response.Content.ReadFromJsonAsync<JsonElement>();
            Assert.Equal(scenario.TraceIds[i], trace.GetProperty("traceId").GetString());
            Assert.Equal(4, trace.GetProperty("spans").GetArrayLength());
            Assert.Equal("error", trace.GetProperty("keptBecause").GetString());
        }

        output.WriteLine($"{ErrorTraces.Length} error traces pending at the SIGTERM were read back from a new silo");
    }

    /// <summary>Exports the checkout traces and waits until they are counted but none is kept yet: all in the shards.</summary>
    private static async Task<CheckoutScenario> SendPendingTracesAsync(SiloProcess silo)
    {
        var scenario = new CheckoutScenario($"stop-{Guid.NewGuid():N}"[..16], Traces);
        scenario.Run(OtlpExportProtocol.Grpc, new Uri($"http://127.0.0.1:{silo.GrpcPort}"));
        using var api = Api(silo);
        var requests = await SiloFixture.EventuallyAsync(
            () => RequestsAsync(api, scenario.Frontend),
            count => count == Traces);
        Assert.Equal(Traces, requests);

        var pending = await api.GetAsync(new Uri($"/api/v1/traces/{scenario.TraceIds[0]}", UriKind.Relative));
        Assert.Equal(HttpStatusCode.NotFound, pending.StatusCode);
        return scenario;
    }

    /// <summary>The one line the trace shards' drains are summed up in.</summary>
    private string StopLine(string siloOutput)
    {
        var lines = siloOutput.Split('\n').Where(l => l.Contains("Trace shards stopped:", StringComparison.Ordinal)).ToArray();
        var line = Assert.Single(lines);
        output.WriteLine(line);
        return line;
    }

    /// <summary>Traces the drains completed, kept and stored, from the stop line.</summary>
    private (int Completed, int Kept, int Stored) StopCounts(string siloOutput)
    {
        var match = Regex.Match(StopLine(siloOutput), @"completed (\d+) traces in progress, kept (\d+), stored (\d+)");
        Assert.True(match.Success, "the stop line does not give the counts");
        return (Number(match.Groups[1]), Number(match.Groups[2]), Number(match.Groups[3]));

        static int Number(Group group) => int.Parse(group.Value, System.Globalization.CultureInfo.InvariantCulture);
    }

    /// <summary>
    /// The stop line of a silo whose shards held the scenario's 40 traces: all completed, the error traces among the
    /// kept ones, every kept one stored, the p99 asked for all (no loss), and the two edge calls of each trace
    /// (frontend -> cart, cart -> redis) handed to the service grains.
    /// </summary>
    private void AssertDrainedWithoutLoss(string siloOutput)
    {
        var (completed, kept, stored) = StopCounts(siloOutput);
        Assert.Equal(Traces, completed);
        Assert.True(kept >= ErrorTraces.Length, $"kept {kept}, fewer than the {ErrorTraces.Length} error traces");
        Assert.Equal(kept, stored);
        Assert.DoesNotContain("without their p99", StopLine(siloOutput), StringComparison.Ordinal);
        Assert.Equal((2L * Traces, 0L), EdgeCounts(siloOutput));
    }

    /// <summary>Edge calls the stop handed on to a peer and dropped, from the stop line.</summary>
    private (long HandedOn, long Dropped) EdgeCounts(string siloOutput)
    {
        var match = Regex.Match(StopLine(siloOutput), @"; (\d+) edge calls handed on(?:, (\d+) dropped)?");
        Assert.True(match.Success, "the stop line does not give the edge calls");
        var dropped = match.Groups[2].Success ? long.Parse(match.Groups[2].Value, System.Globalization.CultureInfo.InvariantCulture) : 0;
        return (long.Parse(match.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture), dropped);
    }

    /// <summary>
    /// Quiet as far as our code goes. With a peer left, Orleans' streaming of a stopping silo may log with a stack
    /// trace beyond the two categories <see cref="QuietStreamStop"/> quiets; that is Orleans, not the trace shards.
    /// </summary>
    private static void AssertOursQuiet(string output)
    {
        Assert.DoesNotContain("No active nodes are compatible", output, StringComparison.Ordinal);
        var traced = output.Split('\n').Where(l => l.Contains("   at ", StringComparison.Ordinal) && !l.Contains("Orleans.Streams", StringComparison.Ordinal)
            && !l.Contains("Orleans.Providers.MemoryAdapterReceiver", StringComparison.Ordinal));
        Assert.Empty(traced);
    }

    private static void AssertQuiet(string output)
    {
        Assert.DoesNotContain("No active nodes are compatible", output, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", output, StringComparison.Ordinal);
    }

    private static HttpClient Api(SiloProcess silo) => new() { BaseAddress = new Uri($"http://127.0.0.1:{silo.ApiPort}") };

    private static async Task<long> EdgeCallsAsync(HttpClient api, string client, string server)
    {
        var graph = await api.GetFromJsonAsync<JsonElement>("/api/v1/graph");
        return graph.GetProperty("edges").EnumerateArray()
            .Where(e => e.GetProperty("client").GetString() == client && e.GetProperty("server").GetString() == server)
            .Select(e => e.GetProperty("calls").GetInt64())
            .FirstOrDefault();
    }

    private static async Task<long> RequestsAsync(HttpClient api, string service)
    {
        var doc = await api.GetFromJsonAsync<JsonElement>("/api/v1/services");
        return doc.GetProperty("services").EnumerateArray()
            .Where(s => s.GetProperty("name").GetString() == service)
            .Select(s => s.GetProperty("requests").GetInt64())
            .FirstOrDefault();
    }
}
