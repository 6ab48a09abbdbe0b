using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Xunit;

namespace OtlpGrains.Agent.Tests;

/// <summary>
/// A throwaway MariaDB server (Debian's <c>mariadb-server</c>) in a fresh temporary directory on a free loopback port,
/// with the database <see cref="Database"/>. Grant tables are skipped (any user logs in without a password) and TLS is
/// not configured, so clients talk plain TCP. The server is killed and the directory removed on dispose.
/// </summary>
public sealed class MariaDbFixture : IAsyncLifetime
{
    public const string Database = "shop";

    private static readonly string[] ProgramDirectories = ["/usr/sbin", "/usr/bin"];

    private string _directory = string.Empty;
    private Process? _server;

    public int Port { get; private set; }

    /// <summary>The pid of <c>mariadbd</c> (one process, a thread per connection).</summary>
    public int ServerPid => _server?.Id ?? 0;

    /// <summary>Arguments for the <c>mariadb</c> client that reach this server over TCP as root.</summary>
    public IReadOnlyList<string> ClientArguments =>
        ["--no-defaults", "--protocol=TCP", "-h", "127.0.0.1", "-P", Port.ToString(CultureInfo.InvariantCulture), "-u", "root"];

    public async Task InitializeAsync()
    {
        _directory = Directory.CreateTempSubdirectory("otlpgrains-mariadb-").FullName;
        try
        {
            await StartAsync();
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
        if (_server is { } server)
        {
            _server = null;
            if (!server.HasExited)
            {
                server.Kill(entireProcessTree: true);
            }

            await server.WaitForExitAsync();
            server.Dispose();
        }

        if (_directory.Length > 0 && Directory.Exists(_directory))
        {
            Directory.Delete(_directory, recursive: true);
        }
    }

    private static string Program(string name) =>
        ProgramDirectories.Select(dir => Path.Combine(dir, name)).FirstOrDefault(File.Exists)
        ?? throw new InvalidOperationException($"{name} not found: run `bash tests/run.sh`, which installs mariadb-server and mariadb-client.");

    private async Task StartAsync()
    {
        var data = Path.Combine(_directory, "data");

        // As root the server must be told to stay root (it refuses otherwise); as anyone else it runs as that user.
        string[] asUser = Environment.UserName == "root" ? ["--user=root"] : [];
        await RunAsync(Program("mariadb-install-db"),
            ["--no-defaults", $"--datadir={data}", .. asUser, "--auth-root-authentication-method=normal", "--skip-test-db"]);

        // A free port can be taken by someone else before the server binds it: try a few.
        for (var attempt = 0; ; attempt++)
        {
            Port = LocalSilo.FreePort();
            var start = new ProcessStartInfo(Program("mariadbd"))
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
            };
            foreach (var argument in (string[])["--no-defaults", $"--datadir={data}", .. asUser, $"--port={Port}", "--bind-address=127.0.0.1",
                $"--socket={Path.Combine(_directory, "sock")}", $"--pid-file={Path.Combine(_directory, "pid")}",
                $"--log-error={Path.Combine(_directory, "error.log")}", "--skip-grant-tables", "--innodb-buffer-pool-size=16M"])
            {
                start.ArgumentList.Add(argument);
            }

            _server = Process.Start(start)!;
            if (await ListensAsync(_server))
            {
                break;
            }

            await _server.WaitForExitAsync();
            _server.Dispose();
            _server = null;
            if (attempt == 2)
            {
                var log = Path.Combine(_directory, "error.log");
                throw new InvalidOperationException($"mariadbd did not start:\n{(File.Exists(log) ? await File.ReadAllTextAsync(log) : "(no log)")}");
            }
        }

        await RunAsync(Program("mariadb"), [.. ClientArguments, "-e", $"CREATE DATABASE {Database}"]);
    }

    private async Task<bool> ListensAsync(Process server)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (DateTime.UtcNow < deadline && !server.HasExited)
        {
            try
            {
                using var client = new TcpClient();
                await client.ConnectAsync(IPAddress.Loopback, Port);
                return true;
            }
            catch (SocketException)
            {
                await Task.Delay(50);
            }
        }

        return false;
    }

    private static async Task RunAsync(string program, IReadOnlyList<string> arguments)
    {
        using var process = Process.Start(new ProcessStartInfo(program, arguments)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        })!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{Path.GetFileName(program)} exited with {process.ExitCode}: {await error}{await output}");
        }
    }
}
