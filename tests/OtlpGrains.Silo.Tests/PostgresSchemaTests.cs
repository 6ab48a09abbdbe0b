using System.Data;
using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Npgsql;
using Orleans.Configuration;
using Orleans.Hosting;
using Orleans.Runtime;
using Orleans.Storage;
using OtlpGrains.Hosting;
using OtlpGrains.Silo.Storage;
using OtlpGrains.TestSupport;
using Xunit;

namespace OtlpGrains.Silo.Tests;

/// <summary>
/// Our PostgreSQL schema (deploy/sql/postgresql) on a throwaway server: it installs idempotently through the silo's
/// installer and by hand with psql, its checker names what is wrong in one line, and the Orleans ADO.NET providers
/// (membership, grain state with etags, reminders) really work against it.
/// </summary>
public sealed class PostgresSchemaTests(PostgresFixture postgres) : IClassFixture<PostgresFixture>
{
    private const string Remedy = "run deploy/sql/postgresql/*.sql or enable OtlpGrains:Storage:ApplySchema";

    private static readonly int[] AllVersions = [1, 2, 3, 4, 5, 6, 7, 8];

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
        Assert.Equal(8, PostgresSchema.LatestVersion);
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

        Assert.Equal($"schema not installed: schema version 0 of {PostgresSchema.LatestVersion} applied; {Remedy}", problem);
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

        Assert.Equal($"schema version 2 of {PostgresSchema.LatestVersion} applied; {Remedy}", problem);
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
        var port = LoopbackPorts.Take(1)[0];
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
        var ports = LoopbackPorts.Take(4);
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
            Assert.Equal(1L, await ScalarAsync<long>(database, $"WITH moved AS (UPDATE orleans_storage SET version = version + 1 WHERE grain_id_extension = '{key}' RETURNING 1) SELECT count(*) FROM moved"));
            await Assert.ThrowsAsync<InconsistentStateException>(() => probe.Increment());
            Assert.Equal(3, await probe.Increment());

            // An external client finds the silos' gateways through the membership table.
            using var client = await StartClientAsync(database, clusterId);
            Assert.Equal(3, (await client.Services.GetRequiredService<IClusterClient>().GetGrain<IPgProbeGrain>(key).Read()).Value);
            await client.StopAsync();

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

    [Fact]
    public async Task MembershipQueriesKeepTheTableVersionAndCleanUpOnlyMatchingDeadSilos()
    {
        var db = await postgres.CreateDatabaseAsync("membership");
        await PostgresSchema.ApplyAsync(db, CancellationToken.None);
        var start = new DateTime(2030, 1, 1, 12, 0, 0, DateTimeKind.Utc);
        var alive = start.AddSeconds(30);
        Param[] cluster = [new("DeploymentId", "c1", DbType.String)];
        Param[] siloA = [.. cluster, new("Address", "127.0.0.1", DbType.AnsiString), new("Port", 11111, DbType.Int32), new("Generation", 7, DbType.Int32)];
        Param[] Insert(Param[] silo, int version) =>
        [
            .. silo, new("SiloName", "a", DbType.String), new("HostName", "h", DbType.String), new("Status", 3, DbType.Int32),
            new("ProxyPort", 30000, DbType.Int32), new("StartTime", start, DbType.DateTime), new("IAmAliveTime", start, DbType.DateTime),
            new("Version", version, DbType.Int32),
        ];
        Param[] siloB = [.. cluster, new("Address", "127.0.0.1", DbType.AnsiString), new("Port", 22222, DbType.Int32), new("Generation", 7, DbType.Int32)];

        Assert.Equal(true, await FirstValueAsync(db, "InsertMembershipVersionKey", cluster));
        Assert.Equal(false, await FirstValueAsync(db, "InsertMembershipVersionKey", cluster));
        var empty = await RunQueryAsync(db, "MembershipReadAllKey", cluster);
        Assert.Single(empty);
        Assert.Equal((0, true), ((int)empty[0]["Version"]!, empty[0]["StartTime"] is DBNull));

        Assert.Equal(true, await FirstValueAsync(db, "InsertMembershipKey", Insert(siloA, 0)));
        Assert.Equal(false, await FirstValueAsync(db, "InsertMembershipKey", Insert(siloB, 0)));
        Assert.Equal(false, await FirstValueAsync(db, "InsertMembershipKey", Insert(siloA, 1)));
        await RunQueryAsync(db, "UpdateIAmAlivetimeKey", [.. siloA, new("IAmAliveTime", alive, DbType.DateTime)]);
        var row = Assert.Single(await RunQueryAsync(db, "MembershipReadRowKey", siloA));
        Assert.Equal((1, alive, 30000, 3), ((int)row["Version"]!, (DateTime)row["IAmAliveTime"]!, (int)row["ProxyPort"]!, (int)row["Status"]!));
        var gateway = Assert.Single(await RunQueryAsync(db, "GatewaysQueryKey", [.. cluster, new("Status", 3, DbType.Int32)]));
        Assert.Equal(("127.0.0.1", 30000, 7), ((string)gateway["Address"]!, (int)gateway["ProxyPort"]!, (int)gateway["Generation"]!));

        Param[] Dead(int version) => [.. siloA, new("Status", 6, DbType.Int32), new("SuspectTimes", null, DbType.String), new("IAmAliveTime", alive, DbType.DateTime), new("Version", version, DbType.Int32)];
        Assert.Equal(false, await FirstValueAsync(db, "UpdateMembershipKey", Dead(0)));
        Assert.Equal(true, await FirstValueAsync(db, "UpdateMembershipKey", Dead(1)));
        Assert.Empty(await RunQueryAsync(db, "GatewaysQueryKey", [.. cluster, new("Status", 3, DbType.Int32)]));

        Param[] Cleanup(DateTime iAmAlive) => [.. siloA, new("SuspectTimes", null, DbType.String), new("StartTime", start, DbType.DateTime), new("IAmAliveTime", iAmAlive, DbType.DateTime)];
        await RunQueryAsync(db, "CleanupDefunctSiloEntryKey", Cleanup(alive.AddSeconds(1)));
        Assert.Equal(2, (await RunQueryAsync(db, "MembershipReadAllKey", cluster)).Select(r => (int)r["Version"]!).Single());
        await RunQueryAsync(db, "CleanupDefunctSiloEntryKey", Cleanup(alive));
        var afterCleanup = Assert.Single(await RunQueryAsync(db, "MembershipReadAllKey", cluster));
        Assert.IsType<DBNull>(afterCleanup["StartTime"]);
    }

    [Fact]
    public async Task ReminderQueriesReadHashRangesBothWaysAndDeleteOnlyWithTheCurrentEtag()
    {
        var db = await postgres.CreateDatabaseAsync("reminders");
        await PostgresSchema.ApplyAsync(db, CancellationToken.None);
        Param[] service = [new("ServiceId", "s1", DbType.String)];
        Param[] Reminder(string grain, int hash) =>
        [
            .. service, new("GrainId", grain, DbType.AnsiString), new("ReminderName", "r", DbType.String),
            new("StartTime", new DateTime(2030, 1, 1, 0, 0, 0, DateTimeKind.Utc), DbType.DateTime), new("Period", 60_000, DbType.Int32),
            new("GrainHash", hash, DbType.Int32),
        ];
        foreach (var (grain, hash) in new[] { ("g/minus", -100), ("g/zero", 0), ("g/plus", 100) })
        {
            Assert.Equal(0, await FirstValueAsync(db, "UpsertReminderRowKey", Reminder(grain, hash)));
        }

        Assert.Equal(1, await FirstValueAsync(db, "UpsertReminderRowKey", Reminder("g/minus", -100)));
        async Task<string[]> Range(string key, int begin, int end) =>
        [
            .. (await RunQueryAsync(db, key, [.. service, new("BeginHash", begin, DbType.Int32), new("EndHash", end, DbType.Int32)]))
                .Select(r => (string)r["GrainId"]!).Order(StringComparer.Ordinal),
        ];
        Assert.Equal(["g/plus", "g/zero"], await Range("ReadRangeRows1Key", -50, 100));
        Assert.Equal(["g/minus", "g/plus"], await Range("ReadRangeRows2Key", 50, -50));
        var one = Assert.Single(await RunQueryAsync(db, "ReadReminderRowKey", [.. service, new("GrainId", "g/minus", DbType.AnsiString), new("ReminderName", "r", DbType.String)]));
        Assert.Equal((60_000L, 1), ((long)one["Period"]!, (int)one["Version"]!));

        Param[] Delete(int version) => [.. service, new("GrainId", "g/minus", DbType.AnsiString), new("ReminderName", "r", DbType.String), new("Version", version, DbType.Int32)];
        Assert.Equal(false, await FirstValueAsync(db, "DeleteReminderRowKey", Delete(0)));
        Assert.Equal(true, await FirstValueAsync(db, "DeleteReminderRowKey", Delete(1)));
        Assert.Equal(2, (await RunQueryAsync(db, "ReadRangeRows2Key", [.. service, new("BeginHash", 0, DbType.Int32), new("EndHash", 0, DbType.Int32)])).Count);
    }

    /// <summary>A named parameter typed the way the Orleans ADO.NET providers type theirs.</summary>
    private sealed record Param(string Name, object? Value, DbType Type);

    /// <summary>Runs a stored OrleansQuery text by key, as the providers do, and returns its rows by column name.</summary>
    private static async Task<List<Dictionary<string, object>>> RunQueryAsync(string connectionString, string queryKey, Param[] parameters)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        string sql;
        await using (var lookup = new NpgsqlCommand("SELECT querytext FROM orleansquery WHERE querykey = @key", connection))
        {
            lookup.Parameters.AddWithValue("key", queryKey);
            sql = (string)(await lookup.ExecuteScalarAsync())!;
        }

        await using var command = new NpgsqlCommand(sql, connection);
        foreach (var p in parameters)
        {
            command.Parameters.Add(new NpgsqlParameter(p.Name, p.Type) { Value = p.Value ?? DBNull.Value });
        }

        await using var reader = await command.ExecuteReaderAsync();
        var rows = new List<Dictionary<string, object>>();
        while (await reader.ReadAsync())
        {
            var row = new Dictionary<string, object>(StringComparer.OrdinalIgnoreCase);
            for (var i = 0; i < reader.FieldCount; i++)
            {
                row[reader.GetName(i)] = reader.GetValue(i);
            }

            rows.Add(row);
        }

        return rows;
    }

    private static async Task<object> FirstValueAsync(string connectionString, string queryKey, Param[] parameters) =>
        Assert.Single(Assert.Single(await RunQueryAsync(connectionString, queryKey, parameters)).Values);

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

    private static async Task<IHost> StartClientAsync(string connectionString, string clusterId)
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.UseOrleansClient(client => client
            .Configure<ClusterOptions>(o => (o.ClusterId, o.ServiceId) = (clusterId, clusterId))
            .UseAdoNetClustering(o => (o.Invariant, o.ConnectionString) = ("Npgsql", connectionString)));
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
