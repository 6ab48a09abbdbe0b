using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Npgsql;
using OpenTelemetry.Exporter;
using OtlpGrains.Gateway.Hosting;
using OtlpGrains.Hosting;
using OtlpGrains.Silo.Tests.Faults;
using OtlpGrains.TestSupport;
using Xunit;
using Xunit.Abstractions;

namespace OtlpGrains.Silo.Tests.Security;

/// <summary>
/// Silo processes in durable mode (PostgreSQL membership, over verified TLS) with cluster TLS on: silos with a
/// certificate from the cluster CA form a cluster; a silo without one, or with one from another CA, does not get in.
/// </summary>
[Collection(ClusterTlsCollection.Name)]
public sealed class ClusterTlsTests(TlsPostgresFixture postgres, TwoTestCas cas, ITestOutputHelper output) : IClassFixture<TlsPostgresFixture>, IClassFixture<TwoTestCas>
{
    // Orleans' SiloStatus values in the membership table.
    private const int Active = 3;
    private const int Dead = 6;

    private OpensslTestCa _cluster => cas.Trusted;

    private OpensslTestCa _other => cas.Other;

    [Fact]
    public async Task SilosWithTheClusterCertificateJoinAndOthersCannot()
    {
        var database = await postgres.CreateVerifiedDatabaseAsync("clustertls");
        var settings = new List<Dictionary<string, string>>
        {
            Tls(await _cluster.IssueAsync("silo-1")),
            Tls(await _cluster.IssueAsync("silo-2")),
            new(), // no cluster certificate: plain TCP
            Tls(await _other.IssueAsync("silo-foreign"), _other.CertificatePath), // a certificate from another CA
            Tls(await _cluster.IssueAsync("silo-3")),
        };
        await using var cluster = FaultCluster.Create(database, (c, index, ports) => SiloProcess.Start(database, c.ClusterId, ports, settings[index]));
        try
        {
            await cluster.StartAsync(2);
            Assert.All(cluster.Silos, s => Assert.Contains("Cluster TLS on: silo-to-silo and client connections are mutual TLS", s.Output, StringComparison.Ordinal));
            Assert.Equal(2, await SilosWithStatusAsync(database, cluster.ClusterId, Active));

            // Each outsider gets as far as its row in the membership table, but no silo answers its probes, and the
            // cluster's silos, unable to probe it, vote it dead: it stops itself.
            foreach (var outsider in new[] { "without a certificate", "with another CA's certificate" })
            {
                var silo = cluster.Launch();
                Assert.True(await silo.WaitExitAsync(FaultCluster.Ready), $"the silo {outsider} still runs:\n{silo.Output}");
                Assert.Equal(Dead, await StatusOfAsync(database, cluster.ClusterId, silo.SiloPort));
                Assert.Contains("Failed to get ping responses from 2 of 2 active silos", silo.Output, StringComparison.Ordinal);
            }

            // A third silo with the cluster's certificate joins; the cluster works across silos: spans sent to the new
            // one are counted and read back through the first.
            var third = (await cluster.StartAsync(1))[0];
            Assert.Equal(3, await SilosWithStatusAsync(database, cluster.ClusterId, Active));
            var scenario = new CheckoutScenario($"tls-{Guid.NewGuid():N}"[..16], traces: 10);
            scenario.Run(OtlpExportProtocol.Grpc, third.GrpcEndpoint);
            Assert.Equal(10, await RequestsAsync(cluster.Silos[0], scenario.Frontend, expected: 10));

            // Every connection the silos hold to PostgreSQL is encrypted (the server allows no other, and they all work).
            var (encrypted, cleartext) = await DatabaseConnectionsAsync(database);
            Assert.True(encrypted > 0, "no silo connection to PostgreSQL seen");
            Assert.Equal(0, cleartext);
        }
        catch
        {
            cluster.DumpOutput(output);
            throw;
        }
    }

    [Fact]
    public async Task StandaloneGatewayConnectsWithTheClusterCertificateAndNotWithout()
    {
        var database = await postgres.CreateVerifiedDatabaseAsync("gatewaytls");
        var silo = Tls(await _cluster.IssueAsync("silo-1"));
        await using var cluster = FaultCluster.Create(database, (c, _, ports) => SiloProcess.Start(database, c.ClusterId, ports, silo));
        try
        {
            await cluster.StartAsync(1);

            // The silo refuses each attempt of a gateway without the certificate, or with another CA's, at the TLS
            // handshake; the gateway keeps retrying and never starts.
            var outsiders = new (string Name, IssuedCertificate? Certificate, string? Ca)[]
            {
                ("without a certificate", null, null),
                ("with another CA's certificate", await _other.IssueAsync("gateway-foreign"), _other.CertificatePath),
            };
            foreach (var (name, certificate, ca) in outsiders)
            {
                var before = Refusals(cluster.Silos[0]);
                await using var outsider = Gateway(database, cluster.ClusterId, certificate, ca, out _);
                using var stop = new CancellationTokenSource();
                var start = outsider.StartAsync(stop.Token);
                var deadline = DateTime.UtcNow + FaultCluster.Ready;
                while (Refusals(cluster.Silos[0]) < before + 2 && !start.IsCompleted && DateTime.UtcNow < deadline)
                {
                    await Task.Delay(250);
                }

                Assert.False(start.IsCompletedSuccessfully, $"the gateway {name} started");
                Assert.True(Refusals(cluster.Silos[0]) >= before + 2, $"the silo did not refuse the gateway {name} twice");
                await stop.CancelAsync();
                await Assert.ThrowsAnyAsync<OperationCanceledException>(() => start);
            }

            await using var gateway = Gateway(database, cluster.ClusterId, await _cluster.IssueAsync("gateway"), _cluster.CertificatePath, out var grpc);
            await gateway.StartAsync();
            var scenario = new CheckoutScenario($"gwtls-{Guid.NewGuid():N}"[..16], traces: 10);
            scenario.Run(OtlpExportProtocol.Grpc, grpc);
            Assert.Equal(10, await RequestsAsync(cluster.Silos[0], scenario.Frontend, expected: 10));
            await gateway.StopAsync();
        }
        catch
        {
            cluster.DumpOutput(output);
            throw;
        }
    }

    // Refused handshakes the silo logged (Orleans' TLS middleware, one line per refused connection).
    private static int Refusals(SiloProcess silo) =>
        silo.Output.Split('\n').Count(line => line.Contains("TlsServerConnectionMiddleware[1] Authentication failed", StringComparison.Ordinal));

    private static WebApplication Gateway(string database, string clusterId, IssuedCertificate? tls, string? ca, out Uri grpc)
    {
        var ports = LoopbackPorts.Take(3);
        grpc = new Uri($"http://127.0.0.1:{ports[0]}");
        string[] certificate = tls is null ? [] :
        [
            $"--OtlpGrains:Cluster:Tls:CertificatePath={tls.CertificatePath}",
            $"--OtlpGrains:Cluster:Tls:KeyPath={tls.KeyPath}",
            $"--OtlpGrains:Cluster:Tls:CaPath={ca}",
        ];
        return GatewayApplication.Build(
        [
            $"--OtlpGrains:Otlp:GrpcPort={ports[0]}",
            $"--OtlpGrains:Otlp:HttpPort={ports[1]}",
            "--OtlpGrains:Otlp:ListenAddress=127.0.0.1",
            $"--OtlpGrains:Api:Port={ports[2]}",
            "--OtlpGrains:Api:ListenAddress=127.0.0.1",
            "--OtlpGrains:Storage:Provider=postgres",
            $"--OtlpGrains:Storage:ConnectionString={database}",
            $"--OtlpGrains:Cluster:ClusterId={clusterId}",
            "--Logging:LogLevel:Default=Warning",
            .. certificate,
        ]);
    }

    private Dictionary<string, string> Tls(IssuedCertificate credential, string? ca = null) => new()
    {
        ["OtlpGrains__Cluster__Tls__CertificatePath"] = credential.CertificatePath,
        ["OtlpGrains__Cluster__Tls__KeyPath"] = credential.KeyPath,
        ["OtlpGrains__Cluster__Tls__CaPath"] = ca ?? _cluster.CertificatePath,
    };

    private static async Task<long> SilosWithStatusAsync(string database, string clusterId, int status)
    {
        await using var connection = new NpgsqlConnection(database);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT count(*) FROM orleans_membership WHERE deployment_id = $1 AND status = $2", connection);
        command.Parameters.AddWithValue(clusterId);
        command.Parameters.AddWithValue(status);
        return (long)(await command.ExecuteScalarAsync())!;
    }

    private static async Task<int?> StatusOfAsync(string database, string clusterId, int siloPort)
    {
        await using var connection = new NpgsqlConnection(database);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(
            "SELECT status FROM orleans_membership WHERE deployment_id = $1 AND port = $2 ORDER BY generation DESC LIMIT 1", connection);
        command.Parameters.AddWithValue(clusterId);
        command.Parameters.AddWithValue(siloPort);
        return await command.ExecuteScalarAsync() as int?;
    }

    private static async Task<(long Encrypted, long Cleartext)> DatabaseConnectionsAsync(string database)
    {
        await using var connection = new NpgsqlConnection(database);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(
            """
            SELECT count(*) FILTER (WHERE s.ssl), count(*) FILTER (WHERE NOT s.ssl)
            FROM pg_stat_activity a JOIN pg_stat_ssl s USING (pid)
            WHERE a.datname = current_database() AND a.pid <> pg_backend_pid()
            """, connection);
        await using var reader = await command.ExecuteReaderAsync();
        await reader.ReadAsync();
        return (reader.GetInt64(0), reader.GetInt64(1));
    }

    /// <summary>The requests <paramref name="service"/> counted, read through <paramref name="silo"/>'s API once they reach <paramref name="expected"/> (or after 30 s).</summary>
    internal static async Task<long> RequestsAsync(SiloProcess silo, string service, long expected)
    {
        using var api = new HttpClient { BaseAddress = silo.ApiEndpoint, Timeout = TimeSpan.FromSeconds(10) };
        var deadline = DateTime.UtcNow.AddSeconds(30);
        long seen = -1;
        while (seen != expected && DateTime.UtcNow < deadline)
        {
            var doc = await api.GetFromJsonAsync<JsonElement>("/api/v1/services");
            seen = doc.GetProperty("services").EnumerateArray()
                .Where(s => s.GetProperty("name").GetString() == service)
                .Select(s => s.GetProperty("requests").GetInt64())
                .FirstOrDefault(-1);
            if (seen != expected)
            {
                await Task.Delay(250);
            }
        }

        return seen;
    }
}

/// <summary>Cluster TLS tests start several silo processes: they run alone, not beside other collections.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class ClusterTlsCollection
{
    public const string Name = "Cluster TLS";
}
