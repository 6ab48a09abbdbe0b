using System.Globalization;
using System.Text.Json;
using OtlpGrains.Hosting;
using OtlpGrains.TestSupport;
using Xunit.Abstractions;
using Xunit;

namespace OtlpGrains.Silo.Tests;

/// <summary>
/// Durable mode end to end: a service with 20 minutes of event time checkpoints its sealed windows to
/// <c>otlpgrains_service_windows</c>; after a SIGKILL a new silo restores the head, those windows and the log, and
/// shows the same window series and counts.
/// </summary>
public sealed class IncrementalCheckpointEndToEndTests(PostgresFixture postgres, ITestOutputHelper output) : IClassFixture<PostgresFixture>
{
    private static readonly TimeSpan Ready = TimeSpan.FromSeconds(90);

    [Fact]
    public async Task AKilledSiloComesBackWithTheSameWindowsFromItsStoredWindowsHeadAndLog()
    {
        var database = await postgres.CreateDatabaseAsync("incremental");
        var clusterId = "incremental-" + Guid.NewGuid().ToString("N")[..8];
        var silo = SiloProcess.Start(database, clusterId, LoopbackPorts.Take(5));
        try
        {
            await silo.WaitReadyAsync(Ready);
            string runId = "inc" + Guid.NewGuid().ToString("N")[..6];

            // 1200 s of event time in 30 s: with 300 s of allowed lateness, about 90 span windows per service seal.
            await LoadToolProcess.RunOkAsync(
                "--endpoint", $"http://127.0.0.1:{silo.GrpcPort}",
                "--api", $"http://127.0.0.1:{silo.ApiPort}",
                "--streams", "2",
                "--rate", "20",
                "--duration", "30",
                "--services", "3",
                "--run-id", runId,
                "--event-start", "1200",
                "--speed", "40");
            string service = $"load-{runId}-svc-00";

            // A checkpoint (every 5 s) has stored the sealed windows; then the silo dies without another.
            long stored = await SiloFixture.EventuallyAsync(() => StoredWindowsAsync(database, service), count => count > 50);
            Assert.True(stored > 50, $"only {stored} span windows of {service} were stored");
            string before = await SeriesAsync(silo.ApiPort, service);
            await silo.KillAsync();
            output.WriteLine($"{service}: {stored} windows stored before the SIGKILL");

            await silo.DisposeAsync();
            silo = SiloProcess.Start(database, clusterId, LoopbackPorts.Take(5));
            await silo.WaitReadyAsync(Ready);
            string after = await SeriesAsync(silo.ApiPort, service);

            Assert.Equal(before, after);
        }
        catch
        {
            output.WriteLine($"--- silo output ---\n{silo.Output}");
            throw;
        }
        finally
        {
            await silo.DisposeAsync();
        }
    }

    private static async Task<long> StoredWindowsAsync(string database, string service)
    {
        var rows = await SchemaSnapshot.ReadRowsAsync(database, $"SELECT count(*) FROM otlpgrains_service_windows WHERE service = '{service}' AND signal = 0");
        return long.Parse(rows[0], CultureInfo.InvariantCulture);
    }

    // The service's span window series and totals as the API gives them.
    private static async Task<string> SeriesAsync(int apiPort, string service)
    {
        using var api = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{apiPort}") };
        using var detail = JsonDocument.Parse(await api.GetStringAsync(new Uri($"/api/v1/services/{service}", UriKind.Relative)));
        return detail.RootElement.GetProperty("series").GetRawText() + detail.RootElement.GetProperty("totals").GetRawText();
    }
}
