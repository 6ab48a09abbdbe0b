using System.Text;
using OpenTelemetry.Proto.Trace.V1;
using OtlpGrains.Agent.Tls;
using Xunit;

namespace OtlpGrains.Agent.Tests;

/// <summary>
/// The whole agent over GnuTLS: Debian's <c>gnutls-cli</c> (libgnutls30) types HTTP/1.1 requests, written to its stdin
/// by the test, to python3's HTTPS server (OpenSSL). The GnuTLS probes on gnutls_record_send/recv, attached by the
/// rescan once gnutls-cli maps libgnutls, deliver the client's plaintext: its requests become CLIENT spans.
/// </summary>
public sealed class AgentGnuTlsEndToEndTests
{
    [BpfFact]
    public async Task GnutlsCliRequestsBecomeClientSpans()
    {
        await using var silo = await LocalSilo.StartAsync();
        await using var agent = TlsAgentRun.Start(silo);
        var peers = await HttpsPeers.StartAsync(agent.Capture);
        var pipeline = agent.Follow(peers.Port);
        try
        {
            using var cli = GatedProcess.Start(agent.Capture, keepInput: true, "gnutls-cli", "--insecure", "-p", peers.Port.ToString(System.Globalization.CultureInfo.InvariantCulture), "127.0.0.1");
            try
            {
                var output = new StringBuilder();
                await ReadUntilAsync(cli, output, "- Simple Client Mode:");

                // gnutls-cli maps libgnutls from its start; the rescan attaches it (once per file, whoever maps it).
                Assert.Contains(await agent.WaitForAttachAsync(TlsLibraryKind.GnuTls), l => l.Contains("/libgnutls.so.30", StringComparison.Ordinal));
                Assert.True(agent.Capture.Tls!.FailuresOf(TlsLibraryKind.GnuTls) == 0, agent.Capture.Tls.LastFailure);

                // python's http.server closes the connection after a 404, so the 404 comes last.
                foreach (var (path, status) in new[] { ("/hello", "HTTP/1.1 200 OK"), ("/hello", "HTTP/1.1 200 OK"), ("/missing", "HTTP/1.1 404 ") })
                {
                    int seen = CountOf(output.ToString(), status);
                    await cli.StandardInput.WriteAsync($"GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
                    await cli.StandardInput.FlushAsync();
                    await ReadUntilAsync(cli, output, status, seen + 1);
                }

                await agent.WaitForSpansAsync(spans => spans.Count(s => s.Span.Kind == Span.Types.SpanKind.Client) >= 3);
            }
            finally
            {
                cli.StandardInput.Close();
                if (!cli.WaitForExit(5000))
                {
                    cli.Kill();
                }
            }
        }
        finally
        {
            peers.Dispose();
        }

        string described = await agent.StopAsync();
        var queued = agent.Spans.ToArray();
        var client = queued.Where(s => s.Span.Kind == Span.Types.SpanKind.Client).ToArray();
        Assert.True(client.Length == 3, described);
        Assert.All(client, s => Assert.Equal("gnutls-cli", s.Process.ServiceName));
        Assert.All(client, s => Assert.Equal("https", AgentUnderTest.Attribute(s.Span, "url.scheme")));
        Assert.Equal(
            [("GET", "/hello", 200L), ("GET", "/hello", 200L), ("GET", "/missing", 404L)],
            client.Select(s => (AgentUnderTest.Attribute(s.Span, "http.request.method"), AgentUnderTest.Attribute(s.Span, "url.path"), TlsAgentRun.StatusCode(s.Span))).Order().ToArray());
        // python's side (OpenSSL) makes the 3 server spans; no span comes from the handshakes.
        Assert.Equal(3, queued.Count(s => s.Span.Kind == Span.Types.SpanKind.Server));
        Assert.Equal(0, pipeline.Tracker.Unrecognised);

        var services = await silo.EventuallyAsync("/api/v1/services", d => LocalSilo.Service(d, "gnutls-cli")?.GetProperty("spans").GetInt64() == 3);
        Assert.Equal(3, LocalSilo.Service(services, "gnutls-cli")?.GetProperty("spans").GetInt64());
    }

    private static int CountOf(string text, string value)
    {
        int count = 0;
        for (int at = text.IndexOf(value, StringComparison.Ordinal); at >= 0; at = text.IndexOf(value, at + value.Length, StringComparison.Ordinal))
        {
            count++;
        }

        return count;
    }

    // Reads gnutls-cli's stdout until `value` appeared `times` times, for at most 20 s.
    private static async Task ReadUntilAsync(System.Diagnostics.Process cli, StringBuilder output, string value, int times = 1)
    {
        var buffer = new char[4096];
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        while (CountOf(output.ToString(), value) < times)
        {
            int read = await cli.StandardOutput.ReadAsync(buffer, timeout.Token);
            if (read == 0)
            {
                throw new InvalidOperationException($"gnutls-cli ended before printing '{value}': {output}");
            }

            output.Append(buffer, 0, read);
        }
    }
}
