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
/// login. fsync stays on: durability tests rely on it. Fault tests derive from it to put the data on a volume of
/// their own (<see cref="PrepareDataVolumeAsync"/>), let other networks in (<see cref="TrustedNetworks"/>), and stop
/// and start the server (<see cref="StopAsync"/>, <see cref="StartAsync"/>).
/// </summary>
public class PostgresFixture : IAsyncLifetime
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

    /// <summary>The server's data directory (under <see cref="DataVolume"/>).</summary>
    public string DataDirectory => Path.Combine(DataVolume, "data");

    /// <summary>The folder the data directory sits in: a volume of its own when a fault test mounts one there.</summary>
    public string DataVolume => Path.Combine(_directory, "volume");

    /// <summary>Networks whose connections are trusted besides loopback (CIDR), and so the addresses it listens on.</summary>
    protected virtual IReadOnlyList<string> TrustedNetworks => [];

    /// <summary>Where the write-ahead log goes; null keeps it in the data directory.</summary>
    protected virtual string? WalDirectory => null;

    /// <summary>Run before initdb, as root when the tests are: a fault test mounts its own volume at <see cref="DataVolume"/>.</summary>
    protected virtual Task PrepareDataVolumeAsync() => Task.CompletedTask;

    /// <summary>
    /// Run after initdb wrote the data directory and the fixture its <c>pg_hba.conf</c>, before the first start: a fixture
    /// changes the server's configuration here (e.g. TLS only).
    /// </summary>
    protected virtual Task ConfigureServerAsync() => Task.CompletedTask;

    /// <summary>Run after the server stopped for good, before the directory is deleted.</summary>
    protected virtual Task ReleaseDataVolumeAsync() => Task.CompletedTask;

    /// <summary>The fixture's temporary folder.</summary>
    protected string Folder => _directory;

    public async Task InitializeAsync()
    {
        BinDirectory = FindBinDirectory();
        _directory = Path.Combine(Path.GetTempPath(), "otlpgrains-pg-" + Guid.NewGuid().ToString("N")[..12]);
        Directory.CreateDirectory(DataVolume);
        await PrepareDataVolumeAsync();
        if (RunsAsRoot)
        {
            // PostgreSQL refuses to run as root: the server runs as the postgres user and must own its directories.
            await RunAsync("chown", ["-R", SuperUser, _directory], asPostgres: false);
        }

        // --no-sync only skips initdb's final flush of the files it wrote; the server itself runs with fsync on.
        string[] walDirectory = WalDirectory is { } wal ? ["--waldir", wal] : [];
        await RunAsync(
            Path.Combine(BinDirectory, "initdb"),
            ["-D", DataDirectory, "-U", SuperUser, "-A", "trust", "-E", "UTF8", "--locale=C", "--no-sync", .. walDirectory],
            asPostgres: RunsAsRoot);
        var trusted = string.Concat(TrustedNetworks.Select(network => $"host all all {network} trust\n"));
        await File.WriteAllTextAsync(Path.Combine(DataDirectory, "pg_hba.conf"), $"""
            # Written by PostgresFixture: one password role, trust for everyone else.
            local all all trust
            host all {PasswordRole} 127.0.0.1/32 scram-sha-256
            host all all 127.0.0.1/32 trust
            {trusted}
            """);
        await ConfigureServerAsync();
        var listen = TrustedNetworks.Count == 0 ? "127.0.0.1" : "*";

        // A free port can be taken by someone else before the server binds it: try a few.
        Exception? lastFailure = null;
        for (var attempt = 0; attempt < 3 && !_started; attempt++)
        {
            Port = LoopbackPorts.Take(1)[0];
            await File.AppendAllTextAsync(Path.Combine(DataDirectory, "postgresql.conf"), $"""

                port = {Port.ToString(CultureInfo.InvariantCulture)}
                listen_addresses = '{listen}'
                unix_socket_directories = '{_directory}'
                fsync = on
                max_connections = 200
                password_encryption = 'scram-sha-256'

                """);
            try
            {
                await StartAsync();
            }
            catch (InvalidOperationException ex)
            {
                lastFailure = ex;
            }
        }

        if (!_started)
        {
            throw new InvalidOperationException($"PostgreSQL did not start: {lastFailure?.Message}\n{ServerLog()}", lastFailure);
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
                await StopAsync(immediate: false);
            }
        }
        finally
        {
            if (_directory.Length > 0 && Directory.Exists(_directory))
            {
                await ReleaseDataVolumeAsync();
                Directory.Delete(_directory, recursive: true);
            }
        }
    }

    /// <summary>
    /// Stops the server: <c>pg_ctl stop -m immediate</c> when <paramref name="immediate"/> (every backend dies at once, as
    /// in a crash; the next start recovers from the WAL), <c>-m fast</c> otherwise.
    /// </summary>
    public async Task StopAsync(bool immediate)
    {
        _started = false;
        await RunAsync(
            Path.Combine(BinDirectory, "pg_ctl"),
            ["-D", DataDirectory, "-m", immediate ? "immediate" : "fast", "-w", "stop"],
            asPostgres: RunsAsRoot);
    }

    /// <summary>Starts the server (again) on <see cref="Port"/> and waits until it accepts connections.</summary>
    public async Task StartAsync()
    {
        await RunAsync(
            Path.Combine(BinDirectory, "pg_ctl"),
            ["-D", DataDirectory, "-l", Path.Combine(_directory, "server.log"), "-w", "-t", "60", "start"],
            asPostgres: RunsAsRoot);
        _started = true;
    }

    /// <summary>The server's log so far (for a failing test's output).</summary>
    public string ServerLog()
    {
        var log = Path.Combine(_directory, "server.log");
        return File.Exists(log) ? File.ReadAllText(log) : "(no server log)";
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

    /// <summary>True when the tests run as root (as CI does): the server then runs as the postgres user.</summary>
    public static bool RunsAsRoot => Environment.UserName == "root";

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
