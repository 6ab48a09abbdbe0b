using System.Diagnostics;
using System.Globalization;
using OtlpGrains.Agent.Capture;

namespace OtlpGrains.Agent.Tests;

/// <summary>
/// A real HTTPS server for the TLS tests, with a self-signed certificate made by the <c>openssl</c> CLI: python3's
/// <c>http.server</c> wrapped with the <c>ssl</c> module (Debian's libssl3) serving a temp directory, or the Go
/// crypto/tls peer (<see cref="GoTlsPeer"/>). Both answer <c>/hello</c> with 200 and anything else with 404.
/// </summary>
internal sealed class HttpsPeers : IDisposable
{
    private const string ServerScript = """
        import http.server, ssl, sys, os
        os.chdir(sys.argv[2])
        class Handler(http.server.SimpleHTTPRequestHandler):
            protocol_version = 'HTTP/1.1'
            def log_message(self, *args):
                pass
        server = http.server.HTTPServer(('127.0.0.1', int(sys.argv[1])), Handler)
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(sys.argv[3], sys.argv[4])
        server.socket = context.wrap_socket(server.socket, server_side=True)
        print('Serving HTTPS', flush=True)
        server.serve_forever()
        """;

    private HttpsPeers(string root, Process server, int port)
    {
        Root = root;
        Server = server;
        Port = port;
    }

    public string Root { get; }

    public Process Server { get; }

    public int Port { get; }

    /// <summary>Starts the server (watched by <paramref name="capture"/>) and waits until it listens.</summary>
    /// <param name="go">The Go crypto/tls server instead of python's.</param>
    public static async Task<HttpsPeers> StartAsync(SocketCapture capture, bool go = false)
    {
        var root = Directory.CreateTempSubdirectory("otlpgrains-tls-").FullName;
        await File.WriteAllTextAsync(Path.Combine(root, "hello"), "hello over tls\n");
        var script = Path.Combine(root, "https_server.py");
        await File.WriteAllTextAsync(script, ServerScript);
        var (cert, key) = await CertificateAsync(root);
        var port = LocalSilo.FreePort();
        var portText = port.ToString(CultureInfo.InvariantCulture);
        var server = go
            ? GatedProcess.Start(capture, await GoTlsPeer.ServerAsync(), "server", portText, cert, key)
            : GatedProcess.Start(capture, GatedProcess.Python, "-u", script, portText, root, cert, key);
        var banner = await server.StandardOutput.ReadLineAsync().WaitAsync(TimeSpan.FromSeconds(20));
        if (banner != "Serving HTTPS")
        {
            server.Kill();
            throw new InvalidOperationException($"the HTTPS server did not start: {banner}");
        }

        return new HttpsPeers(root, server, port);
    }

    /// <summary>A self-signed certificate for 127.0.0.1 (ECDSA P-256, one day) and its key, as PEM files in <paramref name="directory"/>.</summary>
    public static async Task<(string Certificate, string Key)> CertificateAsync(string directory)
    {
        var cert = Path.Combine(directory, "cert.pem");
        var key = Path.Combine(directory, "key.pem");
        using (var openssl = Process.Start(new ProcessStartInfo("openssl",
            ["req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-keyout", key, "-out", cert,
             "-days", "1", "-subj", "/CN=127.0.0.1"]) { RedirectStandardError = true })!)
        {
            var errors = await openssl.StandardError.ReadToEndAsync();
            await openssl.WaitForExitAsync();
            if (openssl.ExitCode != 0)
            {
                throw new InvalidOperationException($"openssl req failed: {errors}");
            }
        }

        return (cert, key);
    }

    public string Url(string path) => $"https://127.0.0.1:{Port}{path}";

    public void Dispose()
    {
        Server.Kill(entireProcessTree: true);
        Server.WaitForExit();
        Server.Dispose();
        Directory.Delete(Root, recursive: true);
    }
}
