using System.Diagnostics;

namespace OtlpGrains.Agent.Tests;

/// <summary>
/// The Go crypto/tls peer (<c>Fixtures/GoTls/main.go</c>, standard library only), built once per test run with the
/// machine's <c>go</c> (Debian's golang-go), offline, with its build cache next to the test assembly. Two symlinks name
/// the one executable as a server and a client, so each gets its own service name while the agent probes one file.
/// </summary>
internal static class GoTlsPeer
{
    private static readonly Lazy<Task<string>> Built = new(BuildAsync);
    private static readonly Lazy<Task<string>> BuiltStripped = new(() => GoBuildAsync("peer-stripped", "-ldflags=-s"));

    /// <summary>The server program: <c>go-tls-server server PORT CERT KEY</c>.</summary>
    public static async Task<string> ServerAsync() => Path.Combine(await Built.Value, "go-tls-server");

    /// <summary>The client program: <c>go-tls-client client URL...</c>.</summary>
    public static async Task<string> ClientAsync() => Path.Combine(await Built.Value, "go-tls-client");

    /// <summary>The same program without its ELF symbol table (<c>-ldflags=-s</c>), which the Go probes must refuse.</summary>
    public static Task<string> StrippedAsync() => BuiltStripped.Value;

    private static async Task<string> BuildAsync()
    {
        var executable = await GoBuildAsync("peer");
        var directory = Path.GetDirectoryName(executable)!;
        foreach (var name in new[] { "go-tls-server", "go-tls-client" })
        {
            var link = Path.Combine(directory, name);
            File.Delete(link);
            File.CreateSymbolicLink(link, executable);
        }

        return directory;
    }

    // Builds Fixtures/GoTls/main.go into go-tls-peer/NAME; returns its path.
    private static async Task<string> GoBuildAsync(string name, params string[] flags)
    {
        var directory = Path.Combine(AppContext.BaseDirectory, "go-tls-peer");
        Directory.CreateDirectory(directory);
        var executable = Path.Combine(directory, name);
        var start = new ProcessStartInfo("go", ["build", .. flags, "-o", executable, Path.Combine(AppContext.BaseDirectory, "Fixtures", "GoTls", "main.go")])
        {
            RedirectStandardError = true,
            RedirectStandardOutput = true,
            WorkingDirectory = directory,
        };
        start.Environment["GOCACHE"] = Path.Combine(directory, "cache");
        start.Environment["GOPATH"] = Path.Combine(directory, "gopath");
        start.Environment["GOPROXY"] = "off"; // standard library only: nothing to download
        start.Environment["GOFLAGS"] = string.Empty;
        start.Environment["GO111MODULE"] = "on";
        using var go = Process.Start(start) ?? throw new InvalidOperationException("go could not be started (apt install golang-go)");
        var errors = go.StandardError.ReadToEndAsync();
        try
        {
            await go.WaitForExitAsync().WaitAsync(TimeSpan.FromMinutes(5));
        }
        catch (TimeoutException)
        {
            go.Kill(entireProcessTree: true);
            throw;
        }

        if (go.ExitCode != 0)
        {
            throw new InvalidOperationException($"go build of the Go TLS peer failed: {await errors}");
        }

        return executable;
    }
}
