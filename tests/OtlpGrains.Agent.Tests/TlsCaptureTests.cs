using System.Diagnostics;
using System.Text;
using OtlpGrains.Agent.Capture;
using OtlpGrains.Agent.Export;
using OtlpGrains.Agent.Protocols;
using OtlpGrains.Agent.Tracking;
using Xunit;

namespace OtlpGrains.Agent.Tests;

/// <summary>
/// OpenSSL plaintext through uprobes on the real kernel: curl (libssl3) against python3's http.server wrapped in TLS
/// (libssl3). The plaintext arrives flagged as TLS on the socket's fd and 4-tuple, the ciphertext of the SSL calls is
/// not emitted, and the tracker turns the plaintext into HTTP exchanges.
/// </summary>
public sealed class TlsCaptureTests
{
    [BpfFact]
    public async Task CurlToPythonHttpsIsCapturedAsPlaintextOnTheSocket()
    {
        using var capture = SocketCapture.Start(new SocketCaptureOptions
        {
            OnlyWatched = true,
            PollInBackground = false,
            TlsProbes = true,
            TlsRescanInterval = TimeSpan.Zero, // the test rescans itself, deterministically
        });
        Assert.NotNull(capture.Tls);
        Assert.Null(capture.TlsUnavailableReason);
        using var peers = await HttpsPeers.StartAsync(capture);

        // python maps libssl when it imports ssl, after the capture started: the rescan finds it (unless another
        // process on the machine already mapped the same file).
        capture.Tls.Rescan();
        Assert.Contains(capture.Tls.Libraries, l => l.EndsWith("/libssl.so.3", StringComparison.Ordinal) && l.Contains("/root/", StringComparison.Ordinal));
        Assert.Equal(0, capture.Tls.Failures);

        using (var curl = GatedProcess.Start(capture, "curl", "-k", "-sS", "--http1.1", "-o", "/dev/null", "-o", "/dev/null",
            peers.Url("/hello"), peers.Url("/missing")))
        {
            await curl.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(20));
            Assert.Equal(0, curl.ExitCode);

            List<SocketEvent> events = Drain(capture);
            var clientEvents = events.Where(e => e.Pid == curl.Id).ToList();
            var serverEvents = events.Where(e => e.Pid == peers.Server.Id && e.LocalPort == peers.Port).ToList();
            SocketEvent connect = Assert.Single(clientEvents, e => e.Kind == SocketEventKind.Connect);
            SocketEvent accept = Assert.Single(serverEvents, e => e.Kind == SocketEventKind.Accept);

            // The plaintext, on the socket's fd and tuple, flagged as TLS.
            SocketEvent clientRequest = Assert.Single(clientEvents, e => IsData(e, SocketDirection.Egress) && Text(e).StartsWith("GET /hello HTTP/1.1\r\n", StringComparison.Ordinal));
            SocketEvent serverRequest = Assert.Single(serverEvents, e => IsData(e, SocketDirection.Ingress) && Text(e).StartsWith("GET /hello HTTP/1.1\r\n", StringComparison.Ordinal));
            Assert.True(clientRequest.IsTlsPlaintext);
            Assert.True(serverRequest.IsTlsPlaintext);
            Assert.Equal(connect.Fd, clientRequest.Fd);
            Assert.Equal(accept.Fd, serverRequest.Fd);
            Assert.Equal(peers.Port, clientRequest.RemotePort);
            Assert.Equal(connect.LocalPort, serverRequest.RemotePort);
            Assert.Equal(clientRequest.OriginalLength, serverRequest.OriginalLength);
            Assert.Equal("curl", clientRequest.Command);
            SocketEvent response = Assert.Single(serverEvents, e => IsData(e, SocketDirection.Egress) && Text(e).StartsWith("HTTP/1.1 200 OK\r\n", StringComparison.Ordinal));
            Assert.True(response.IsTlsPlaintext);
            Assert.Equal(accept.Fd, response.Fd);
            Assert.Single(clientEvents, e => IsData(e, SocketDirection.Ingress) && e.IsTlsPlaintext && Text(e).StartsWith("HTTP/1.1 404 ", StringComparison.Ordinal));

            // The server's SSL calls moved ciphertext on the socket, and none of it was emitted: after the handshake the
            // server's data on this connection is plaintext only.
            long firstServerPlaintext = serverEvents.Where(e => e.IsTlsPlaintext).Min(e => e.TimestampNs);
            Assert.DoesNotContain(serverEvents, e => e.Kind == SocketEventKind.Data && !e.IsTlsPlaintext && e.TimestampNs > firstServerPlaintext);
            // On the client only SSL_shutdown's close_notify (not probed) goes out as ciphertext after the plaintext.
            long firstClientPlaintext = clientEvents.Where(e => e.IsTlsPlaintext).Min(e => e.TimestampNs);
            Assert.All(
                clientEvents.Where(e => e.Kind == SocketEventKind.Data && !e.IsTlsPlaintext && e.TimestampNs > firstClientPlaintext),
                e => Assert.Equal((SocketDirection.Egress, "170303"), (e.Direction, Convert.ToHexString(e.Payload.Span[..3]))));
            // Plaintext never appears unflagged: the handshake's bytes are the only ciphertext events.
            Assert.DoesNotContain(events, e => !e.IsTlsPlaintext && (Text(e).StartsWith("GET ", StringComparison.Ordinal) || Text(e).StartsWith("HTTP/", StringComparison.Ordinal)));

            // The tracker parses the plaintext as each connection's stream; the handshakes make no spans.
            var exchanges = new List<(ConnectionInfo Info, ProtocolExchange Exchange)>();
            var tracker = new ConnectionTracker((info, exchange) => exchanges.Add((info, exchange)));
            foreach (SocketEvent e in events.Where(e => e.Pid == curl.Id || e.Pid == peers.Server.Id))
            {
                tracker.OnEvent(e);
            }

            Assert.Equal(0, tracker.Unrecognised);
            Assert.Equal(2, tracker.Encrypted); // the two ends' handshakes
            var spans = exchanges.Select(x => (x.Info, Span: SpanMapper.ToSpan(x.Exchange, 0, x.Info.Remote?.Address.ToString(), x.Info.Remote?.Port ?? 0, x.Info.IsTls))).ToList();
            Assert.Equal(
                ["CLIENT GET /hello 200", "CLIENT GET /missing 404", "SERVER GET /hello 200", "SERVER GET /missing 404"],
                spans.Select(s => $"{s.Span.Kind.ToString().ToUpperInvariant()} {s.Span.Name} {Attribute(s.Span, "http.response.status_code").IntValue}").Order());
            Assert.All(spans, s =>
            {
                Assert.True(s.Info.IsTls);
                Assert.Equal(ConnectionRole.Client == s.Info.Role ? curl.Id : peers.Server.Id, s.Info.Pid);
                Assert.Equal("https", Attribute(s.Span, "url.scheme").StringValue);
                Assert.Equal("GET", Attribute(s.Span, "http.request.method").StringValue);
            });
            Assert.All(spans.Where(s => s.Info.Role == ConnectionRole.Client), s => Assert.Equal(peers.Port, Attribute(s.Span, "server.port").IntValue));
            Assert.All(spans.Where(s => s.Info.Role == ConnectionRole.Server), s => Assert.Equal(connect.LocalPort, Attribute(s.Span, "client.port").IntValue));
            foreach (SocketEvent e in events)
            {
                e.Dispose();
            }
        }
    }

    private static OpenTelemetry.Proto.Common.V1.AnyValue Attribute(OpenTelemetry.Proto.Trace.V1.Span span, string key) =>
        span.Attributes.Single(a => a.Key == key).Value;

    private static List<SocketEvent> Drain(SocketCapture capture)
    {
        capture.Poll();
        var events = new List<SocketEvent>();
        while (capture.Events.TryRead(out SocketEvent? socketEvent))
        {
            events.Add(socketEvent);
        }

        return events;
    }

    private static bool IsData(SocketEvent e, SocketDirection direction) =>
        e.Kind == SocketEventKind.Data && e.Direction == direction;

    private static string Text(SocketEvent e) => Encoding.ASCII.GetString(e.Payload.Span);
}
