using System.Diagnostics;
using OtlpGrains.Agent.Capture;
using Xunit;

namespace OtlpGrains.Agent.Tests;

/// <summary>What <c>agent check</c> prints on a kernel where the capture works.</summary>
public sealed class CaptureCheckTests
{
    [BpfFact]
    public void ReportsEachAttachGroupAndTheTlsProbes()
    {
        CaptureCheckResult result = CaptureCheck.Run();

        Assert.True(result.Works);
        Assert.Null(result.Reason);
        Assert.Contains(result.Lines, l => l.StartsWith("syscall tracepoints", StringComparison.Ordinal) && l.EndsWith("ring buffer ok", StringComparison.Ordinal));
        foreach (string library in new[] { "OpenSSL", "GnuTLS", "Go crypto/tls" })
        {
            string tls = Assert.Single(result.Lines, l => l.StartsWith($"{library} uprobes: ", StringComparison.Ordinal));
            Assert.DoesNotContain("unavailable", tls, StringComparison.Ordinal);
        }

        Assert.Equal("BPF works here", result.Lines[^1]);
    }

    [BpfFact]
    public async Task SaysWhereTheGoAndGnuTlsProbesAttach()
    {
        // A Go HTTPS server and gnutls-cli connected to it: a Go executable and a libgnutls mapped while the check runs.
        var root = Directory.CreateTempSubdirectory("otlpgrains-check-").FullName;
        var (cert, key) = await HttpsPeers.CertificateAsync(root);
        var port = LocalSilo.FreePort().ToString(System.Globalization.CultureInfo.InvariantCulture);
        using var server = Process.Start(new ProcessStartInfo(await GoTlsPeer.ServerAsync(), ["server", port, cert, key]) { RedirectStandardOutput = true })!;
        string? banner = await server.StandardOutput.ReadLineAsync().WaitAsync(TimeSpan.FromSeconds(20));
        if (banner != "Serving HTTPS")
        {
            server.Kill();
            Assert.Fail($"the Go server did not start: {banner}");
        }

        using var cli = Process.Start(new ProcessStartInfo("gnutls-cli", ["--insecure", "-p", port, "127.0.0.1"])
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
        })!;
        try
        {
            string? line;
            do
            {
                line = await cli.StandardOutput.ReadLineAsync().WaitAsync(TimeSpan.FromSeconds(20));
            }
            while (line is not null && line != "- Simple Client Mode:");
            Assert.True(line is not null, "gnutls-cli ended before its handshake completed");

            CaptureCheckResult result = CaptureCheck.Run();

            Assert.True(result.Works);
            string go = Assert.Single(result.Lines, l => l.StartsWith("Go crypto/tls uprobes: ", StringComparison.Ordinal));
            Assert.Matches(@"^Go crypto/tls uprobes: attached to \d+ Go executables \(.*/go-tls-peer/peer", go);
            string gnutls = Assert.Single(result.Lines, l => l.StartsWith("GnuTLS uprobes: ", StringComparison.Ordinal));
            Assert.Matches(@"^GnuTLS uprobes: attached to \d+ libgnutls \(.*/libgnutls\.so\.30", gnutls);
        }
        finally
        {
            cli.Kill();
            server.Kill();
            await cli.WaitForExitAsync();
            await server.WaitForExitAsync();
            Directory.Delete(root, recursive: true);
        }
    }
}
