using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using OtlpGrains.Agent.Bpf;
using OtlpGrains.Agent.Capture;
using Xunit;

namespace OtlpGrains.Agent.Tests;

/// <summary>
/// The capture on the real kernel, between unmodified processes on loopback (python3's http.server and curl).
/// Children start behind <c>sh -c 'read _; exec ...'</c> so their pid is on the watch list before they make a
/// syscall; polling is manual, so once a child has exited everything it did is in the ring buffer.
/// </summary>
public sealed class SocketCaptureTests
{
    private const int CaptureBytes = 512;
    private static readonly TimeSpan ChildTimeout = TimeSpan.FromSeconds(10);


    [BpfTheory]
    [InlineData("tracepoints")]
    [InlineData("tp_btf")]
    public void HttpExchangeBetweenCurlAndPythonIsCapturedOnBothSides(string attachGroup)
    {
        string root = Directory.CreateTempSubdirectory("otlpgrains-bpf-").FullName;
        File.WriteAllText(Path.Combine(root, "hello"), "hello from python\n");
        File.WriteAllBytes(Path.Combine(root, "big.bin"), Enumerable.Repeat((byte)'x', 5000).ToArray());
        int port = LocalSilo.FreePort();
        using var capture = SocketCapture.Start(new SocketCaptureOptions
        {
            CaptureBytes = CaptureBytes,
            OnlyWatched = true,
            PollInBackground = false,
            AttachGroups = [AttachGroup.All.Single(g => g.Name == attachGroup)],
        });
        Assert.Equal(attachGroup, capture.Group.Name);

        using Process server = StartGated(capture, GatedProcess.Python, "-u", "-m", "http.server", "--protocol", "HTTP/1.1",
            "--bind", "127.0.0.1", "--directory", root, port.ToString(CultureInfo.InvariantCulture));
        try
        {
            string? banner = server.StandardOutput.ReadLine();
            Assert.StartsWith("Serving HTTP", banner, StringComparison.Ordinal);

            using Process client = StartGated(capture, "curl", "-sS", "-o", "/dev/null", "-o", "/dev/null",
                "-H", "X-Probe: bpf-test", $"http://127.0.0.1:{port}/hello?x=1", $"http://127.0.0.1:{port}/big.bin");
            Assert.True(client.WaitForExit(ChildTimeout), "curl did not finish");
            Assert.Equal(0, client.ExitCode);

            List<SocketEvent> events = Drain(capture);
            var clientEvents = events.Where(e => e.Pid == client.Id).ToList();
            var serverEvents = events.Where(e => e.Pid == server.Id && e.LocalPort == port).ToList();

            SocketEvent connect = Assert.Single(clientEvents, e => e.Kind == SocketEventKind.Connect);
            SocketEvent accept = Assert.Single(serverEvents, e => e.Kind == SocketEventKind.Accept);
            Assert.Equal(port, connect.RemotePort);
            Assert.Equal(connect.LocalPort, accept.RemotePort);
            Assert.Equal(IPAddress.Loopback, connect.RemoteAddress);
            Assert.Equal(IPAddress.Loopback, accept.LocalAddress);

            SocketEvent clientRequest = Assert.Single(clientEvents, e => IsData(e, SocketDirection.Egress) && Text(e).StartsWith("GET /hello?x=1 HTTP/1.1\r\n", StringComparison.Ordinal));
            SocketEvent serverRequest = Assert.Single(serverEvents, e => IsData(e, SocketDirection.Ingress) && Text(e).StartsWith("GET /hello?x=1 HTTP/1.1\r\n", StringComparison.Ordinal));
            Assert.Contains("X-Probe: bpf-test\r\n", Text(serverRequest), StringComparison.Ordinal);
            Assert.Equal(connect.Fd, clientRequest.Fd);
            Assert.Equal(accept.Fd, serverRequest.Fd);
            Assert.Equal(clientRequest.OriginalLength, serverRequest.OriginalLength);
            Assert.Equal(client.Id, clientRequest.Tid); // curl is single-threaded
            Assert.Equal("curl", clientRequest.Command);
            Assert.False(clientRequest.IsTlsPlaintext);

            SocketEvent response = serverEvents.First(e => IsData(e, SocketDirection.Egress) && e.Fd == accept.Fd);
            Assert.StartsWith("HTTP/1.1 200", Text(response), StringComparison.Ordinal);
            SocketEvent clientResponse = clientEvents.First(e => IsData(e, SocketDirection.Ingress) && e.Fd == connect.Fd);
            Assert.StartsWith("HTTP/1.1 200", Text(clientResponse), StringComparison.Ordinal);

            // One connection for both requests (keep-alive), in causal order on the monotonic clock.
            Assert.True(connect.TimestampNs < accept.TimestampNs || connect.TimestampNs < serverRequest.TimestampNs);
            Assert.True(clientRequest.TimestampNs < serverRequest.TimestampNs);
            Assert.True(serverRequest.TimestampNs < response.TimestampNs);
            Assert.True(response.TimestampNs < clientResponse.TimestampNs);
            foreach (IGrouping<int, SocketEvent> thread in events.GroupBy(e => e.Tid))
            {
                // A thread's syscalls are sequential, so its events arrive in time order.
                Assert.Equal(thread.Select(e => e.TimestampNs).Order(), thread.Select(e => e.TimestampNs));
            }

            Assert.Single(serverEvents, e => IsData(e, SocketDirection.Ingress) && Text(e).StartsWith("GET /big.bin HTTP/1.1\r\n", StringComparison.Ordinal) && e.Fd == accept.Fd);

            // The 5000-byte body: captured up to the configured size, its real length kept.
            SocketEvent body = Assert.Single(serverEvents, e => IsData(e, SocketDirection.Egress) && e.OriginalLength == 5000);
            Assert.Equal(CaptureBytes, body.PayloadLength);
            Assert.True(body.IsTruncated);
            Assert.All(body.Payload.ToArray(), b => Assert.Equal((byte)'x', b));

            // Nothing but the watched pids, and no fd that is not a TCP socket (curl writes its output to /dev/null).
            Assert.All(events, e => Assert.Contains(e.Pid, new[] { server.Id, client.Id }));
            Assert.All(events, e => Assert.True(e.RemotePort != 0 || e.Kind == SocketEventKind.Close, e.ToString()));
            foreach (SocketEvent e in events)
            {
                e.Dispose();
            }
        }
        finally
        {
            server.Kill(entireProcessTree: true);
            server.WaitForExit();
            Directory.Delete(root, recursive: true);
        }
    }

    [BpfFact]
    public void AgentProcessIsIgnoredEvenWhenWatched()
    {
        using var capture = SocketCapture.Start(new SocketCaptureOptions { OnlyWatched = true, PollInBackground = false });
        capture.Watch(Environment.ProcessId);
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        int port = ((IPEndPoint)listener.LocalEndpoint).Port;

        using Process child = StartGated(capture, GatedProcess.Python, "-c",
            "import socket,sys; s=socket.create_connection(('127.0.0.1', int(sys.argv[1]))); s.sendall(b'child-marker'); print(s.recv(100).decode())",
            port.ToString(CultureInfo.InvariantCulture));
        using (TcpClient accepted = listener.AcceptTcpClient())
        {
            NetworkStream stream = accepted.GetStream();
            byte[] buffer = new byte[64];
            int read = stream.Read(buffer);
            Assert.Equal("child-marker", Encoding.ASCII.GetString(buffer, 0, read));
            stream.Write("agent-marker"u8);
        }

        Assert.True(child.WaitForExit(ChildTimeout), "the python client did not finish");
        Assert.Equal("agent-marker", child.StandardOutput.ReadToEnd().Trim());
        List<SocketEvent> events = Drain(capture);

        Assert.DoesNotContain(events, e => e.Pid == Environment.ProcessId);
        Assert.Contains(events, e => e.Pid == child.Id && IsData(e, SocketDirection.Egress) && Text(e) == "child-marker");
        Assert.Contains(events, e => e.Pid == child.Id && IsData(e, SocketDirection.Ingress) && Text(e) == "agent-marker");
    }

    [BpfFact]
    public void FullRingBufferIsCountedAsKernelDrops()
    {
        const int Messages = 300;
        using var capture = SocketCapture.Start(new SocketCaptureOptions
        {
            OnlyWatched = true,
            PollInBackground = false,
            RingBufferBytes = Environment.SystemPageSize,
        });
        Assert.Equal(0, capture.GetStatistics().KernelDrops);
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        int port = ((IPEndPoint)listener.LocalEndpoint).Port;

        // 300 separate 100-byte sends: about 180 bytes of ring each, far more than one page holds.
        using Process child = StartGated(capture, GatedProcess.Python, "-c",
            $"import socket,sys; s=socket.create_connection(('127.0.0.1', int(sys.argv[1])))\nfor i in range({Messages}): s.sendall(b'm' * 100)\ns.close()",
            port.ToString(CultureInfo.InvariantCulture));
        using (TcpClient accepted = listener.AcceptTcpClient())
        {
            accepted.GetStream().CopyTo(Stream.Null);
        }

        Assert.True(child.WaitForExit(ChildTimeout), "the python client did not finish");
        CaptureStatistics before = capture.GetStatistics();
        List<SocketEvent> events = Drain(capture);
        CaptureStatistics after = capture.GetStatistics();

        int sends = events.Count(e => e.Pid == child.Id && IsData(e, SocketDirection.Egress));
        Assert.True(before.KernelDrops > 0, $"no drops counted: {before}");
        Assert.InRange(sends, 1, Messages - 1);
        Assert.Equal(before.KernelDrops, after.KernelDrops);
        Assert.Equal(events.Count, after.Events);
        // Every send was either delivered or counted (the connect and close events compete for the same space).
        Assert.True(sends + after.KernelDrops >= Messages, $"{sends} delivered + {after.KernelDrops} dropped < {Messages}");
    }

    private static Process StartGated(SocketCapture capture, string file, params string[] arguments) =>
        GatedProcess.Start(capture, file, arguments);

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
