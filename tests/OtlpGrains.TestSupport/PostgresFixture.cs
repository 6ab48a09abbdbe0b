using System.Diagnostics;
using System.Globalization;
using Npgsql;
using OtlpGrains.Hosting;
using Xunit;

namespace OtlpGrains.TestSupport;

/// <summary>
/// A throwaway PostgreSQL server started from the Debian binaries in a fresh temporary directory on a free loopback
/// port, with one database for the fixture. Local and 127.0.0.1 connections are trusted, except the role
/// <see cref="PasswordRole"/>, which must log in with a password (scram-sha-256), so tests can provoke a refused
/// login. fsync stays on: durability tests rely on it.
/// </summary>
public sealed class PostgresFixture : IAsyncLifetime
{
    public const string PasswordRole = "otlpgrains_password_user";

    public const string PasswordRolePassword = "right-password";

    private const string SuperUser = "postgres";

    private const string PostgresRoot = "/usr/lib/postgresql";

    private string _directory = string.Empty;

    private bool _started;

    /// <summary>The server's bin directory, e.g. /usr/lib/postgresql/15/bin (also holds psql).</summary>
    public string BinDirectory { get; private set; } = string.Empty;

    public int Port { get; private set; }

    /// <summary>An Npgsql connection string for this fixture's own database.</summary>
    public string ConnectionString { get; private set; } = string.Empty;

    public async Task InitializeAsync()
    {
        BinDirectory = FindBinDirectory();
        _directory = Path.Combine(Path.GetTempPath(), "otlpgrains-pg-" + Guid.NewGuid().ToString("N")[..12]);
        var dataDirectory = Path.Combine(_directory, "data");
        Directory.CreateDirectory(_directory);
        if (RunsAsRoot)
        {
            // PostgreSQL refuses to run as root: the server runs as the postgres user and must own its directory.
            await RunAsync("chown", [SuperUser, _directory], asPostgres: false);
        }

        // --no-sync only skips initdb's final flush of the files it wrote; the server itself runs with fsync on.
        await RunAsync(
            Path.Combine(BinDirectory, "initdb"),
            ["-D", dataDirectory, "-U", SuperUser, "-A", "trust", "-E", "UTF8", "--locale=C", "--no-sync"],
            asPostgres: RunsAsRoot);
        await File.WriteAllTextAsync(Path.Combine(dataDirectory, "pg_hba.conf"), $"""
            # Written by PostgresFixture: one password role, trust for everyone else.
            local all all trust
            host all {PasswordRole} 127.0.0.1/32 scram-sha-256
            host all all 127.0.0.1/32 trust

            """);

        // A free port can be taken by someone else before the server binds it: try a few.
        Exception? lastFailure = null;
        for (var attempt = 0; attempt < 3 && !_started; attempt++)
        {
            Port = LoopbackPorts.Take(1)[0];
            await File.AppendAllTextAsync(Path.Combine(dataDirectory, "postgresql.conf"), $"""

                port = {Port.ToString(CultureInfo.InvariantCulture)}
                listen_addresses = '127.0.0.1'
                unix_socket_directories = '{_directory}'
                fsync = on
                max_connections = 200
                password_encryption = 'scram-sha-256'

                """);
            try
            {
                await RunAsync(
                    Path.Combine(BinDirectory, "pg_ctl"),
                    ["-D", dataDirectory, "-l", Path.Combine(_directory, "server.log"), "-w", "-t", "60", "start"],
                    asPostgres: RunsAsRoot);
                _started = true;
            }
            catch (InvalidOperationException ex)
            {
                lastFailure = ex;
            }
        }

        if (!_started)
        {
            var log = Path.Combine(_directory, "server.log");
            var tail = File.Exists(log) ? await File.ReadAllTextAsync(log) : "(no server log)";
            throw new InvalidOperationException($"PostgreSQL did not start: {lastFailure?.Message}\n{tail}", lastFailure);
        }

        try
        {
            await ExecuteAsync(AdminConnectionString("postgres"), $"CREATE ROLE {PasswordRole} LOGIN PASSWORD '{PasswordRolePassword}'");
            ConnectionString = await CreateDatabaseAsync("fixture");
        }
        catch
        {
            // xunit does not dispose a fixture whose initialization failed: do not leave a server behind.
            await DisposeAsync();
            throw;
        }
    }

    public async Task DisposeAsync()
    {
        NpgsqlConnection.ClearAllPools();
        try
        {
            if (_started)
            {
                _started = false;
                await RunAsync(
                    Path.Combine(BinDirectory, "pg_ctl"),
                    ["-D", Path.Combine(_directory, "data"), "-m", "fast", "-w", "stop"],
                    asPostgres: RunsAsRoot);
            }
        }
        finally
        {
            if (_directory.Length > 0 && Directory.Exists(_directory))
            {
                Directory.Delete(_directory, recursive: true);
            }
        }
    }

    /// <summary>Creates a fresh, empty database (name made unique) and returns its connection string.</summary>
    public async Task<string> CreateDatabaseAsync(string name)
    {
        var database = $"{name}_{Guid.NewGuid().ToString("N")[..8]}".ToLowerInvariant();
        await ExecuteAsync(AdminConnectionString("postgres"), $"CREATE DATABASE \"{database}\"");
        return AdminConnectionString(database);
    }

    /// <summary>A connection string for <paramref name="database"/> as the trusted superuser.</summary>
    public string AdminConnectionString(string database) => new NpgsqlConnectionStringBuilder
    {
        Host = "127.0.0.1",
        Port = Port,
        Username = SuperUser,
        Database = database,
    }.ConnectionString;

    /// <summary>Runs a program, as the postgres user when asked, and fails with its output when it exits non-zero.</summary>
    public static async Task<string> RunAsync(string program, IReadOnlyList<string> arguments, bool asPostgres)
    {
        var start = new ProcessStartInfo
        {
            FileName = asPostgres ? "runuser" : program,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        if (asPostgres)
        {
            foreach (var prefix in new[] { "-u", SuperUser, "--", program })
            {
                start.ArgumentList.Add(prefix);
            }
        }

        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException($"Could not start {program}.");
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException(
                $"{Path.GetFileName(program)} {string.Join(' ', arguments)} exited with {process.ExitCode}: {await error}{await output}");
        }

        return await output;
    }

    private static bool RunsAsRoot => Environment.UserName == "root";

    private static string FindBinDirectory()
    {
        var candidates = Directory.Exists(PostgresRoot)
            ? Directory.GetDirectories(PostgresRoot)
                .Select(dir => (Dir: dir, Ok: int.TryParse(Path.GetFileName(dir), NumberStyles.None, CultureInfo.InvariantCulture, out var major), Major: major))
                .Where(c => c.Ok && File.Exists(Path.Combine(c.Dir, "bin", "initdb")) && File.Exists(Path.Combine(c.Dir, "bin", "pg_ctl")))
                .OrderByDescending(c => c.Major)
                .ToArray()
            : [];
        if (candidates.Length == 0)
        {
            throw new InvalidOperationException(
                $"PostgreSQL server binaries (initdb, pg_ctl) not found under {PostgresRoot}/*/bin: run `bash tests/run.sh`, which installs the postgresql package.");
        }

        return Path.Combine(candidates[0].Dir, "bin");
    }

    private static async Task ExecuteAsync(string connectionString, string sql)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }
}
