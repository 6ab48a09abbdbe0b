using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using OpenTelemetry.Exporter;
using OtlpGrains.Hosting;
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
            using var api = Api(second);
            var errors = Enumerable.Range(0, Traces).Where(i => CheckoutScenario.FrontendFails(i) || CheckoutScenario.CartFails(i)).ToArray();
            foreach (var i in errors)
            {
                var response = await api.GetAsync(new Uri($"/api/v1/traces/{scenario.TraceIds[i]}", UriKind.Relative));
                Assert.Equal(HttpStatusCode.OK, response.StatusCode);
                var trace = await response.Content.ReadFromJsonAsync<JsonElement>();
                Assert.Equal(scenario.TraceIds[i], trace.GetProperty("traceId").GetString());
                Assert.Equal(4, trace.GetProperty("spans").GetArrayLength());
                Assert.Equal("error", trace.GetProperty("keptBecause").GetString());
            }

            output.WriteLine($"{errors.Length} error traces pending at the SIGTERM were read back from the next silo");
            AssertQuiet(first.Output);
            var (completed, kept, stored) = StopCounts(first.Output);
            Assert.Equal(Traces, completed);
            Assert.True(kept >= errors.Length, $"kept {kept}, fewer than the {errors.Length} error traces");
            Assert.Equal(kept, stored);
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
    public async Task SigtermWithTracesPendingIsQuietInMemoryMode()
    {
        await using var silo = SiloProcess.StartInMemory(LoopbackPorts.Take(5), HoldTraces);
        try
        {
            await silo.WaitReadyAsync(Ready);
            await SendPendingTracesAsync(silo);
            await silo.StopAsync(TimeSpan.FromSeconds(60));

            AssertQuiet(silo.Output);

            // Nothing outlives a silo in memory mode: what the drain kept is counted as not stored, in the one line.
            var (completed, kept, stored) = StopCounts(silo.Output);
            Assert.Equal(Traces, completed);
            Assert.True(kept >= 8, $"kept {kept}, fewer than the 8 error traces");
            Assert.Equal(0, stored);
            Assert.Contains($"could not store {kept},", StopLine(silo.Output), StringComparison.Ordinal);
        }
        catch
        {
            output.WriteLine($"--- stopped silo ---\n{silo.Output}");
            throw;
        }
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

    private static void AssertQuiet(string output)
    {
        Assert.DoesNotContain("No active nodes are compatible", output, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", output, StringComparison.Ordinal);
    }

    private static HttpClient Api(SiloProcess silo) => new() { BaseAddress = new Uri($"http://127.0.0.1:{silo.ApiPort}") };

    private static async Task<long> RequestsAsync(HttpClient api, string service)
    {
        var doc = await api.GetFromJsonAsync<JsonElement>("/api/v1/services");
        return doc.GetProperty("services").EnumerateArray()
            .Where(s => s.GetProperty("name").GetString() == service)
            .Select(s => s.GetProperty("requests").GetInt64())
            .FirstOrDefault();
    }
}
