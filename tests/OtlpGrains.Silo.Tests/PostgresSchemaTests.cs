using Xunit;
using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Npgsql;
using Orleans.Configuration;
using Orleans.Hosting;
using Orleans.Runtime;
using Orleans.Storage;
using OtlpGrains.Silo.Storage;

namespace OtlpGrains.Silo.Tests;

/// <summary>
/// Our PostgreSQL schema (deploy/sql/postgresql) on a throwaway server: it installs idempotently through the silo's
/// installer and by hand with psql, its checker names what is wrong in one line, and the Orleans ADO.NET providers
/// (membership, grain state with etags, reminders) really work against it.
/// </summary>
public sealed class PostgresSchemaTests(PostgresFixture postgres) : IClassFixture<PostgresFixture>
{
    private const string Remedy = "run deploy/sql/postgresql/*.sql or enable OtlpGrains:Storage:ApplySchema";

    private static readonly int[] AllVersions = [1, 2, 3, 4];

    private static readonly string[] ExpectedQueryKeys =
    [
        "CleanupDefunctSiloEntriesKey", "CleanupDefunctSiloEntryKey", "ClearStorageKey", "DeleteMembershipTableEntriesKey",
        "DeleteReminderRowKey", "DeleteReminderRowsKey", "DeleteStorageKey", "GatewaysQueryKey", "InsertMembershipKey",
        "InsertMembershipVersionKey", "MembershipReadAllKey", "MembershipReadRowKey", "ReadFromStorageKey",
        "ReadRangeRows1Key", "ReadRangeRows2Key", "ReadReminderRowKey", "ReadReminderRowsKey", "UpdateIAmAlivetimeKey",
        "UpdateMembershipKey", "UpsertReminderRowKey", "WriteToStorageKey",
    ];

    [Fact]
    public async Task ApplyingTheSchemaTwiceChangesNothing()
    {
        var database = await postgres.CreateDatabaseAsync("apply_twice");

        await PostgresSchema.ApplyAsync(database, CancellationToken.None);
        var once = await SchemaSnapshot.TakeAsync(database, includeAppliedAt: true);
        await PostgresSchema.ApplyAsync(database, CancellationToken.None);
        var twice = await SchemaSnapshot.TakeAsync(database, includeAppliedAt: true);

        Assert.Equal(once, twice);
        Assert.Equal(ExpectedQueryKeys, await QueryKeysAsync(database));
        Assert.Equal(AllVersions, await VersionsAsync(database));
        Assert.Equal(4, PostgresSchema.LatestVersion);
        Assert.Null(await PostgresSchema.FindProblemAsync(database, CancellationToken.None));
    }

    [Fact]
    public async Task EachScriptRunTwiceByHandWithPsqlGivesTheInstallersSchema()
    {
        var scripts = Directory.GetFiles(RepositoryPath("deploy", "sql", "postgresql"), "*.sql").Order(StringComparer.Ordinal).ToArray();
        Assert.Equal(PostgresSchema.Scripts.Select(s => s.Name), scripts.Select(Path.GetFileName));
        var byHand = await postgres.CreateDatabaseAsync("by_hand");
        var byInstaller = await postgres.CreateDatabaseAsync("by_installer");
        await PostgresSchema.ApplyAsync(byInstaller, CancellationToken.None);
        var url = PsqlUrl(byHand);

        foreach (var script in scripts)
        {
            await PsqlAsync(url, script);
        }

        var once = await SchemaSnapshot.TakeAsync(byHand, includeAppliedAt: true);
        foreach (var script in scripts)
        {
            await PsqlAsync(url, script);
        }

        Assert.Equal(once, await SchemaSnapshot.TakeAsync(byHand, includeAppliedAt: true));
        Assert.Equal(
            await SchemaSnapshot.TakeAsync(byInstaller, includeAppliedAt: false),
            await SchemaSnapshot.TakeAsync(byHand, includeAppliedAt: false));
        Assert.Null(await PostgresSchema.FindProblemAsync(byHand, CancellationToken.None));
    }

    [Fact]
    public async Task AnEmptyDatabaseIsReportedAsMissingTheSchema()
    {
        var database = await postgres.CreateDatabaseAsync("empty");

        var problem = await PostgresSchema.FindProblemAsync(database, CancellationToken.None);

        Assert.Equal($"schema not installed: schema version 0 of 4 applied; {Remedy}", problem);
    }

    [Fact]
    public async Task APartlyInstalledSchemaIsReportedWithItsVersionAndTheRemedy()
    {
        var database = await postgres.CreateDatabaseAsync("partial");
        foreach (var script in PostgresSchema.Scripts.Take(2))
        {
            await ExecuteAsync(database, script.Sql);
        }

        var problem = await PostgresSchema.FindProblemAsync(database, CancellationToken.None);

        Assert.Equal($"schema version 2 of 4 applied; {Remedy}", problem);
    }

    [Fact]
    public async Task TheInstallerCompletesAPartlyInstalledSchema()
    {
        var database = await postgres.CreateDatabaseAsync("complete");
        foreach (var script in PostgresSchema.Scripts.Take(3))
        {
            await ExecuteAsync(database, script.Sql);
        }

        await PostgresSchema.ApplyAsync(database, CancellationToken.None);

        Assert.Equal(AllVersions, await VersionsAsync(database));
        Assert.Null(await PostgresSchema.FindProblemAsync(database, CancellationToken.None));
    }

    [Fact]
    public async Task SilosInstallingAtTheSameTimeInstallOnce()
    {
        var database = await postgres.CreateDatabaseAsync("concurrent");

        await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => PostgresSchema.ApplyAsync(database, CancellationToken.None)));

        Assert.Equal(AllVersions, await VersionsAsync(database));
        Assert.Equal(ExpectedQueryKeys, await QueryKeysAsync(database));
    }

    [Fact]
    public async Task APortNobodyListensOnIsReportedAsUnreachable()
    {
        var port = FreePorts.Take(1)[0];
        var connectionString = new NpgsqlConnectionStringBuilder(postgres.ConnectionString) { Port = port, Timeout = 5 }.ConnectionString;

        var problem = await PostgresSchema.FindProblemAsync(connectionString, CancellationToken.None);

        Assert.NotNull(problem);
        Assert.StartsWith($"cannot reach PostgreSQL at 127.0.0.1:{port}: ", problem);
        Assert.DoesNotContain('\n', problem);
    }

    [Fact]
    public async Task AWrongPasswordIsReportedAsARefusedLogin()
    {
        var database = await postgres.CreateDatabaseAsync("password");
        await PostgresSchema.ApplyAsync(database, CancellationToken.None);
        await ExecuteAsync(database, $"GRANT SELECT ON otlpgrains_schema_version TO {PostgresFixture.PasswordRole}");
        var asRole = new NpgsqlConnectionStringBuilder(database) { Username = PostgresFixture.PasswordRole };

        var wrong = await PostgresSchema.FindProblemAsync(
            new NpgsqlConnectionStringBuilder(asRole.ConnectionString) { Password = "wrong-password" }.ConnectionString,
            CancellationToken.None);
        var right = await PostgresSchema.FindProblemAsync(
            new NpgsqlConnectionStringBuilder(asRole.ConnectionString) { Password = PostgresFixture.PasswordRolePassword }.ConnectionString,
            CancellationToken.None);

        Assert.NotNull(wrong);
        Assert.StartsWith($"PostgreSQL refused the login for user {PostgresFixture.PasswordRole}: ", wrong);
        Assert.Contains("password", wrong, StringComparison.OrdinalIgnoreCase);
        Assert.Null(right);
    }

    [Fact]
    public async Task AMissingDatabaseIsReportedByName()
    {
        var connectionString = new NpgsqlConnectionStringBuilder(postgres.ConnectionString) { Database = "no_such_database" }.ConnectionString;

        var problem = await PostgresSchema.FindProblemAsync(connectionString, CancellationToken.None);

        Assert.NotNull(problem);
        Assert.StartsWith($"PostgreSQL database no_such_database does not exist at 127.0.0.1:{postgres.Port}: ", problem);
    }

    [Fact]
    public async Task TheOrleansProvidersWorkAgainstTheSchema()
    {
        var database = await postgres.CreateDatabaseAsync("providers");
        await PostgresSchema.ApplyAsync(database, CancellationToken.None);
        var clusterId = "pg-" + Guid.NewGuid().ToString("N")[..8];
        var ports = FreePorts.Take(4);
        using var first = await StartSiloAsync(database, clusterId, ports[0], ports[1]);
        using var second = await StartSiloAsync(database, clusterId, ports[2], ports[3]);
        try
        {
            // Membership: both silos joined through the table and are Active (SiloStatus.Active = 3).
            var hosts = await first.Services.GetRequiredService<IGrainFactory>().GetGrain<IManagementGrain>(0).GetHosts(onlyActive: true);
            Assert.Equal(2, hosts.Count);
            Assert.Equal(2L, await ScalarAsync<long>(database, $"SELECT count(*) FROM orleans_membership WHERE deployment_id = '{clusterId}' AND status = 3"));

            // Grain state: written, then read back by a new activation.
            var grains = second.Services.GetRequiredService<IGrainFactory>();
            var key = "probe-" + clusterId;
            var probe = grains.GetGrain<IPgProbeGrain>(key);
            Assert.Equal(1, await probe.Increment());
            Assert.Equal(2, await probe.Increment());
            var before = await probe.Read();
            await probe.Deactivate();
            var after = await probe.Read();
            Assert.NotEqual(before.ActivationId, after.ActivationId);
            Assert.Equal(2, after.Value);
            Assert.Equal("2", after.ETag);

            // Optimistic concurrency: another writer moves the row on, so this activation's etag is stale.
            await ExecuteAsync(database, $"UPDATE orleans_storage SET version = version + 1 WHERE grain_id_extension = '{key}' OR grain_type LIKE '%PgProbe%'");
            await Assert.ThrowsAsync<InconsistentStateException>(() => probe.Increment());
            Assert.Equal(3, await probe.Increment());

            // Reminders: one registered with a 1 s period fires, and unregistering deletes its row by etag.
            var firstTick = PgProbeTicks.WaitForFirstTick(key);
            await probe.StartTicking(TimeSpan.FromSeconds(1));
            Assert.Equal(1L, await ScalarAsync<long>(database, "SELECT count(*) FROM orleans_reminders WHERE reminder_name = 'probe-tick'"));
            Assert.Equal(PgProbeGrain.ReminderName, await firstTick.WaitAsync(TimeSpan.FromSeconds(30)));
            await probe.StopTicking();
            Assert.Equal(0L, await ScalarAsync<long>(database, "SELECT count(*) FROM orleans_reminders"));
        }
        finally
        {
            await second.StopAsync();
            await first.StopAsync();
        }

        // A graceful stop marks both silos Dead (SiloStatus.Dead = 6) in the table.
        Assert.Equal(2L, await ScalarAsync<long>(database, $"SELECT count(*) FROM orleans_membership WHERE deployment_id = '{clusterId}' AND status = 6"));
    }

    private static async Task<IHost> StartSiloAsync(string connectionString, string clusterId, int siloPort, int gatewayPort)
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.UseOrleans(silo => silo
            .Configure<ClusterOptions>(o => (o.ClusterId, o.ServiceId) = (clusterId, clusterId))
            .ConfigureEndpoints(IPAddress.Loopback, siloPort, gatewayPort)
            .UseAdoNetClustering(o => (o.Invariant, o.ConnectionString) = ("Npgsql", connectionString))
            .AddAdoNetGrainStorage(PgProbeGrain.StorageName, o => (o.Invariant, o.ConnectionString) = ("Npgsql", connectionString))
            .UseAdoNetReminderService(o => (o.Invariant, o.ConnectionString) = ("Npgsql", connectionString))
            .Configure<ReminderOptions>(o => o.MinimumReminderPeriod = TimeSpan.FromSeconds(1)));
        var host = builder.Build();
        await host.StartAsync();
        return host;
    }

    private static string RepositoryPath(params string[] parts)
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine([dir.FullName, .. parts]);
            if (Directory.Exists(candidate))
            {
                return candidate;
            }
        }

        throw new DirectoryNotFoundException($"{Path.Combine(parts)} not found above {AppContext.BaseDirectory}");
    }

    private static string PsqlUrl(string connectionString)
    {
        var settings = new NpgsqlConnectionStringBuilder(connectionString);
        return $"postgresql://{settings.Username}@{settings.Host}:{settings.Port}/{settings.Database}";
    }

    private Task<string> PsqlAsync(string url, string script) =>
        PostgresFixture.RunAsync(Path.Combine(postgres.BinDirectory, "psql"), [url, "-q", "-v", "ON_ERROR_STOP=1", "-f", script], asPostgres: false);

    private static async Task<string[]> QueryKeysAsync(string connectionString) =>
        [.. (await SchemaSnapshot.ReadRowsAsync(connectionString, "SELECT querykey FROM orleansquery ORDER BY querykey COLLATE \"C\""))];

    private static async Task<int[]> VersionsAsync(string connectionString) =>
        [.. (await SchemaSnapshot.ReadRowsAsync(connectionString, "SELECT version FROM otlpgrains_schema_version ORDER BY version")).Select(int.Parse)];

    private static async Task ExecuteAsync(string connectionString, string sql)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }

    private static async Task<T> ScalarAsync<T>(string connectionString, string sql)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        return (T)(await command.ExecuteScalarAsync())!;
    }
}
