using Npgsql;
using OtlpGrains.Hosting;
using OtlpGrains.TestSupport;
using Xunit;

namespace OtlpGrains.Silo.Tests;

/// <summary>
/// A bad database ends start-up with one line naming the problem (exit code 1), not a silo retrying its membership
/// table forever; a good one gets its schema applied and the silo starts.
/// </summary>
public sealed class PostgresStartupTests(PostgresFixture postgres) : IClassFixture<PostgresFixture>
{
    [Fact]
    public async Task UnreachableDatabaseIsOneLine()
    {
        var unused = LoopbackPorts.Take(1)[0];
        var (exit, lines) = await StartAsync($"Host=127.0.0.1;Port={unused};Username=postgres;Database=x;Timeout=3", applySchema: true);
        Assert.Equal(HostRunner.StartError, exit);
        var line = Assert.Single(lines);
        Assert.StartsWith($"cannot start: cannot reach PostgreSQL at 127.0.0.1:{unused}", line, StringComparison.Ordinal);
    }

    [Fact]
    public async Task WrongPasswordIsOneLine()
    {
        var database = await postgres.CreateDatabaseAsync("badpass");
        var wrong = new NpgsqlConnectionStringBuilder(database)
        {
            Username = PostgresFixture.PasswordRole,
            Password = "wrong-password",
        }.ConnectionString;
        var (exit, lines) = await StartAsync(wrong, applySchema: true);
        Assert.Equal(HostRunner.StartError, exit);
        var line = Assert.Single(lines);
        Assert.StartsWith($"cannot start: PostgreSQL refused the login for user {PostgresFixture.PasswordRole}", line, StringComparison.Ordinal);
    }

    [Fact]
    public async Task MissingSchemaWithAutoApplyOffIsOneLine()
    {
        var database = await postgres.CreateDatabaseAsync("noschema");
        var (exit, lines) = await StartAsync(database, applySchema: false);
        Assert.Equal(HostRunner.StartError, exit);
        var line = Assert.Single(lines);
        Assert.StartsWith("cannot start: schema not installed", line, StringComparison.Ordinal);
        Assert.Contains("OtlpGrains:Storage:ApplySchema", line, StringComparison.Ordinal);
    }

    private static Task<(int Exit, string[] Lines)> StartAsync(string connectionString, bool applySchema) =>
        SiloStartAttempt.RunAsync(
            "--OtlpGrains:Storage:Provider=postgres",
            $"--OtlpGrains:Storage:ConnectionString={connectionString}",
            $"--OtlpGrains:Storage:ApplySchema={applySchema}");
}
