using OpenTelemetry.Exporter;
using OtlpGrains.Gateway.Hosting;
using OtlpGrains.Hosting;
using OtlpGrains.TestSupport;
using Xunit;

namespace OtlpGrains.Silo.Tests;

/// <summary>
/// Durable mode in process: a silo on PostgreSQL, a standalone gateway that finds it through the membership table,
/// and a restart of the silo that keeps every count.
/// </summary>
public sealed class DurableModeTests(PostgresFixture postgres) : IClassFixture<PostgresFixture>
{
    [Fact]
    public async Task CountsSurviveARestartAndTheStandaloneGatewayFindsSilosInTheDatabase()
    {
        var database = await postgres.CreateDatabaseAsync("durable");
        var clusterId = "durable-" + Guid.NewGuid().ToString("N")[..8];
        var scenario = new CheckoutScenario($"dur-{Guid.NewGuid():N}"[..16], traces: 20);

        var silo = await StartSiloAsync(database, clusterId);
        var gatewayPorts = LoopbackPorts.Take(3);
        await using (var gateway = GatewayApplication.Build(
        [
            $"--OtlpGrains:Otlp:GrpcPort={gatewayPorts[0]}",
            $"--OtlpGrains:Otlp:HttpPort={gatewayPorts[1]}",
            "--OtlpGrains:Otlp:ListenAddress=127.0.0.1",
            $"--OtlpGrains:Api:Port={gatewayPorts[2]}",
            "--OtlpGrains:Api:ListenAddress=127.0.0.1",
            $"--OtlpGrains:Cluster:ClusterId={clusterId}",
            "--OtlpGrains:Storage:Provider=postgres",
            $"--OtlpGrains:Storage:ConnectionString={database}",
            "--Logging:LogLevel:Default=Warning",
        ]))
        {
            await gateway.StartAsync();
            scenario.Run(OtlpExportProtocol.Grpc, new Uri($"http://127.0.0.1:{gatewayPorts[0]}"));
            await gateway.StopAsync();
        }

        var before = await silo.ServiceAsync(scenario.Frontend);
        Assert.Equal(20, before?.GetProperty("requests").GetInt64());

        // The batches went through the silo's group commit, whose counts /metrics shows.
        var metrics = await silo.Api.GetStringAsync(new Uri("/metrics", UriKind.Relative));
        var flushed = System.Text.RegularExpressions.Regex.Match(metrics, @"^otlpgrains_storage_batch_log_flushed_appends_total (\d+)", System.Text.RegularExpressions.RegexOptions.Multiline);
        Assert.True(flushed.Success && long.Parse(flushed.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture) > 0, metrics);
        Assert.Contains("otlpgrains_storage_batch_log_queued_appends ", metrics, StringComparison.Ordinal);
        await silo.DisposeAsync();

        // A new silo on the same database: the checkpoint written on the way down (and the log) bring the counts back.
        var again = await StartSiloAsync(database, clusterId);
        try
        {
            var after = await SiloFixture.EventuallyAsync(() => again.ServiceAsync(scenario.Frontend), s => s is not null);
            Assert.Equal(20, after?.GetProperty("requests").GetInt64());
            Assert.Equal(40, after?.GetProperty("spans").GetInt64());
            Assert.Equal(2, after?.GetProperty("errors").GetInt64());
            var cart = await again.ServiceAsync(scenario.Cart);
            Assert.Equal(20, cart?.GetProperty("requests").GetInt64());
        }
        finally
        {
            await again.DisposeAsync();
        }
    }

    private static async Task<SiloFixture> StartSiloAsync(string database, string clusterId)
    {
        var silo = new SiloFixture(
        [
            "--OtlpGrains:Storage:Provider=postgres",
            $"--OtlpGrains:Storage:ConnectionString={database}",
            $"--OtlpGrains:Cluster:ClusterId={clusterId}",
        ]);
        await silo.InitializeAsync();
        return silo;
    }
}
