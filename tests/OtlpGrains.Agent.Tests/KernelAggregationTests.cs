using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using OtlpGrains.Agent.Bpf;
using OtlpGrains.Agent.Capture;
using OtlpGrains.Agent.Protocols;
using OtlpGrains.Agent.Tracking;
using Xunit;

namespace OtlpGrains.Agent.Tests;

/// <summary>
/// The kernel side's own work on the real kernel: per-connection totals carried by the close event, muting a
/// connection from user space, header-only continuation chunks, and the cgroup filter.
/// </summary>
public sealed class KernelAggregationTests
{
    private const int CaptureBytes = 512;
    private const int BodyBytes = 200_000;
    private static readonly TimeSpan ChildTimeout = TimeSpan.FromSeconds(10);

    [BpfTheory]
    [InlineData("tracepoints")]
    [InlineData("tp_btf")]
    public void CloseCarriesExactByteCountsAndBodyContinuationsArriveHeaderOnly(string attachGroup)
    {
        string root = Directory.CreateTempSubdirectory("otlpgrains-kernel-").FullName;
        File.WriteAllBytes(Path.Combine(root, "big.bin"), Enumerable.Repeat((byte)'x', BodyBytes).ToArray());
        int port = LocalSilo.FreePort();
        using var capture = SocketCapture.Start(new SocketCaptureOptions
        {
            CaptureBytes = CaptureBytes,
            OnlyWatched = true,
            PollInBackground = false,
            AttachGroups = [AttachGroup.All.Single(g => g.Name == attachGroup)],
        });
        using Process server = GatedProcess.Start(capture, GatedProcess.Python, "-u", "-m", "http.server", "--protocol", "HTTP/1.1",
            "--bind", "127.0.0.1", "--directory", root, port.ToString(CultureInfo.InvariantCulture));
        try
        {
            Assert.StartsWith("Serving HTTP", server.StandardOutput.ReadLine(), StringComparison.Ordinal);
            using Process client = GatedProcess.Start(capture, "curl", "-sS", "-o", "/dev/null",
                "-w", "%{size_request} %{size_header} %{size_download}", $"http://127.0.0.1:{port}/big.bin");
            string written = client.StandardOutput.ReadToEnd();
            Assert.True(client.WaitForExit(ChildTimeout), "curl did not finish");
            Assert.Equal(0, client.ExitCode);
            long[] sizes = written.Split(' ').Select(s => long.Parse(s, CultureInfo.InvariantCulture)).ToArray();
            (long request, long header, long download) = (sizes[0], sizes[1], sizes[2]);
            Assert.Equal(BodyBytes, download);

            // curl closed its socket before exiting, so its close event (and totals) is in the ring buffer already.
            List<SocketEvent> events = Drain(capture);
            var clientEvents = events.Where(e => e.Pid == client.Id).ToList();
            SocketEvent close = Assert.Single(clientEvents, e => e.Kind == SocketEventKind.Close && e.RemotePort == port);
            ConnectionTotals totals = Assert.NotNull(close.Totals);
            Assert.Equal(request, totals.BytesSent);
            Assert.Equal(header + download, totals.BytesReceived);

            // Every call was counted, and each one also arrived as an event (nothing muted): same calls, same bytes.
            var data = clientEvents.Where(e => e.Kind == SocketEventKind.Data && e.Fd == close.Fd).ToList();
            var received = data.Where(e => e.Direction == SocketDirection.Ingress).ToList();
            Assert.Equal(totals.Receives, received.Count);
            Assert.Equal(totals.Sends, data.Count(e => e.Direction == SocketDirection.Egress));
            Assert.Equal(totals.BytesReceived, received.Sum(e => (long)e.OriginalLength));
            Assert.Equal((data[0].TimestampNs, data[^1].TimestampNs), (totals.FirstNs, totals.LastNs));

            // Reads up to the first one the capture cut came whole (the head, maybe alone); every read after it was more
            // of the body and came header-only, with its length.
            Assert.StartsWith("HTTP/1.1 200", Encoding.ASCII.GetString(received[0].Payload.Span), StringComparison.Ordinal);
            int cut = received.FindIndex(e => e.IsTruncated);
            Assert.InRange(cut, 0, 1);
            Assert.All(received[..cut], e => Assert.Equal(e.OriginalLength, e.PayloadLength));
            Assert.Equal(CaptureBytes, received[cut].PayloadLength);
            Assert.True(received.Count - cut >= 2, $"the body came in {received.Count - cut} reads");
            Assert.All(received[(cut + 1)..], e => Assert.Equal(0, e.PayloadLength));

            // The server's side of the same connection: what curl sent is what it read, and the other way round. The
            // server closes after it sees curl's FIN, which may come after curl has exited.
            bool IsServerClose(SocketEvent e) => e.Pid == server.Id && e.Kind == SocketEventKind.Close && e.RemotePort == close.LocalPort;
            var deadline = DateTime.UtcNow + ChildTimeout;
            while (!events.Any(IsServerClose) && DateTime.UtcNow < deadline)
            {
                Thread.Sleep(20);
                events.AddRange(Drain(capture));
            }

            SocketEvent serverClose = Assert.Single(events, IsServerClose);
            Assert.Equal((request, header + download), (serverClose.Totals!.Value.BytesReceived, serverClose.Totals.Value.BytesSent));
        }
        finally
        {
            server.Kill(entireProcessTree: true);
            server.WaitForExit();
            Directory.Delete(root, recursive: true);
        }
    }

    [BpfFact]
    public void TrackerPairsKeepAliveDownloadsWhoseBodiesArriveHeaderOnly()
    {
        string root = Directory.CreateTempSubdirectory("otlpgrains-kernel-").FullName;
        File.WriteAllBytes(Path.Combine(root, "big.bin"), Enumerable.Repeat((byte)'x', BodyBytes).ToArray());
        File.WriteAllText(Path.Combine(root, "small"), "small\n");
        int port = LocalSilo.FreePort();
        using var capture = SocketCapture.Start(new SocketCaptureOptions { CaptureBytes = CaptureBytes, OnlyWatched = true, PollInBackground = false });
        using Process server = GatedProcess.Start(capture, GatedProcess.Python, "-u", "-m", "http.server", "--protocol", "HTTP/1.1",
            "--bind", "127.0.0.1", "--directory", root, port.ToString(CultureInfo.InvariantCulture));
        try
        {
            Assert.StartsWith("Serving HTTP", server.StandardOutput.ReadLine(), StringComparison.Ordinal);
            using Process client = GatedProcess.Start(capture, "curl", "-sS", "-o", "/dev/null", "-o", "/dev/null", "-o", "/dev/null",
                $"http://127.0.0.1:{port}/big.bin", $"http://127.0.0.1:{port}/big.bin", $"http://127.0.0.1:{port}/small");
            Assert.True(client.WaitForExit(ChildTimeout), "curl did not finish");
            Assert.Equal(0, client.ExitCode);

            List<SocketEvent> events = Drain(capture).Where(e => e.Pid == client.Id).ToList();
            var exchanges = new List<ProtocolExchange>();
            var tracker = new ConnectionTracker((_, exchange) => exchanges.Add(exchange));
            foreach (SocketEvent e in events)
            {
                tracker.OnEvent(e);
            }

            Assert.Contains(events, e => e.Kind == SocketEventKind.Data && e.PayloadLength == 0 && e.OriginalLength > 0);
            Assert.Equal(["GET /big.bin 200 False", "GET /big.bin 200 False", "GET /small 200 False"],
                exchanges.Select(e => $"{e.Method} {e.Path} {e.StatusCode} {e.Truncated}"));

            // Each download ends with the read that completed its body: the last read before the next request.
            var requests = events.Where(e => e.Kind == SocketEventKind.Data && e.Direction == SocketDirection.Egress).Select(e => e.TimestampNs).ToList();
            var reads = events.Where(e => e.Kind == SocketEventKind.Data && e.Direction == SocketDirection.Ingress).ToList();
            Assert.Equal(3, requests.Count);
            Assert.Equal(reads.Last(e => e.TimestampNs < requests[1]).TimestampNs, exchanges[0].ResponseEndNs);
            Assert.Equal(reads.Last(e => e.TimestampNs < requests[2]).TimestampNs, exchanges[1].ResponseEndNs);
        }
        finally
        {
            server.Kill(entireProcessTree: true);
            server.WaitForExit();
            Directory.Delete(root, recursive: true);
        }
    }

    [BpfFact]
    public void MutedConnectionSendsNoMoreDataButIsStillCounted()
    {
        const string Message = "opaque-binary-message";
        using var capture = SocketCapture.Start(new SocketCaptureOptions { OnlyWatched = true, PollInBackground = false });
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        int port = ((IPEndPoint)listener.LocalEndpoint).Port;

        // The child sends N messages per "send N" line on stdin and answers "sent", so the test knows when they moved.
        using Process child = StartGatedWithInput(capture, GatedProcess.Python, "-u", "-c",
            "import socket,sys\ns=socket.create_connection(('127.0.0.1', int(sys.argv[1])))\n"
            + "for line in sys.stdin:\n"
            + "    if line.startswith('send'):\n"
            + $"        [s.sendall(b'{Message}') for _ in range(int(line.split()[1]))]\n"
            + "        print('sent')\n"
            + "    else:\n"
            + "        break\n"
            + "s.close()\n",
            port.ToString(CultureInfo.InvariantCulture));
        try
        {
            using TcpClient accepted = listener.AcceptTcpClient();
            child.StandardInput.WriteLine("send 3");
            Assert.Equal("sent", child.StandardOutput.ReadLine());
            var before = Drain(capture).Where(e => e.Pid == child.Id).ToList();
            var sends = before.Where(e => e.Kind == SocketEventKind.Data && e.Direction == SocketDirection.Egress).ToList();
            Assert.Equal(3, sends.Count);
            Assert.All(sends, e => Assert.Equal(Message, Encoding.ASCII.GetString(e.Payload.Span)));
            int fd = sends[0].Fd;

            capture.Mute(child.Id, fd);
            capture.Mute(child.Id, fd); // counted once
            Assert.Equal(1, capture.Mutes);
            child.StandardInput.WriteLine("send 5");
            Assert.Equal("sent", child.StandardOutput.ReadLine());
            Assert.True(capture.TryReadTotals(child.Id, fd, out ConnectionTotals live));
            Assert.Equal((8, 8L * Message.Length), (live.Sends, live.BytesSent));
            child.StandardInput.WriteLine("close");
            child.StandardInput.Close();
            Assert.True(child.WaitForExit(ChildTimeout), "the python client did not finish");

            var after = Drain(capture).Where(e => e.Pid == child.Id && e.Fd == fd).ToList();
            Assert.DoesNotContain(after, e => e.Kind == SocketEventKind.Data);
            SocketEvent close = Assert.Single(after, e => e.Kind == SocketEventKind.Close);
            Assert.Equal((8, 8L * Message.Length, 0, 0L), (close.Totals!.Value.Sends, close.Totals.Value.BytesSent, close.Totals.Value.Receives, close.Totals.Value.BytesReceived));
            Assert.False(capture.TryReadTotals(child.Id, fd, out _)); // the close removed the entry
        }
        finally
        {
            if (!child.HasExited)
            {
                child.Kill();
                child.WaitForExit();
            }
        }
    }

    [BpfFact]
    public void OnlyProcessesBelowAWatchedCgroupAreCaptured()
    {
        string mount = CgroupV2Mount() ?? throw new InvalidOperationException("no cgroup2 file system is mounted");
        string outer = Path.Combine(mount, $"otlpgrains-test-{Environment.ProcessId}-{Guid.NewGuid():N}"[..40]);
        string inner = Path.Combine(outer, "inner");
        Directory.CreateDirectory(inner);
        string root = Directory.CreateTempSubdirectory("otlpgrains-cgroup-").FullName;
        File.WriteAllText(Path.Combine(root, "hello"), "hello\n");
        int port = LocalSilo.FreePort();
        Process? server = null;
        try
        {
            // Only the outer cgroup is watched; curl runs in the inner one (a descendant), the server in neither.
            using var capture = SocketCapture.Start(new SocketCaptureOptions { WatchedCgroups = [outer], PollInBackground = false });
            server = Process.Start(new ProcessStartInfo(GatedProcess.Python)
            {
                ArgumentList = { "-u", "-m", "http.server", "--bind", "127.0.0.1", "--directory", root, port.ToString(CultureInfo.InvariantCulture) },
                RedirectStandardOutput = true,
                RedirectStandardError = true,
            })!;
            Assert.StartsWith("Serving HTTP", server.StandardOutput.ReadLine(), StringComparison.Ordinal);

            var start = new ProcessStartInfo("sh") { RedirectStandardInput = true, RedirectStandardOutput = true };
            foreach (string argument in new[] { "-c", "read _ && exec curl -sS -o /dev/null http://127.0.0.1:$0/hello", port.ToString(CultureInfo.InvariantCulture) })
            {
                start.ArgumentList.Add(argument);
            }

            using Process client = Process.Start(start)!;
            File.WriteAllText(Path.Combine(inner, "cgroup.procs"), client.Id.ToString(CultureInfo.InvariantCulture));
            client.StandardInput.WriteLine();
            client.StandardInput.Close();
            Assert.True(client.WaitForExit(ChildTimeout), "curl did not finish");
            Assert.Equal(0, client.ExitCode);

            List<SocketEvent> events = Drain(capture);
            Assert.All(events, e => Assert.Equal(client.Id, e.Pid));
            Assert.Contains(events, e => e.Kind == SocketEventKind.Connect && e.RemotePort == port);
            Assert.Contains(events, e => e.Kind == SocketEventKind.Data && e.Direction == SocketDirection.Egress
                && Encoding.ASCII.GetString(e.Payload.Span).StartsWith("GET /hello HTTP/1.1\r\n", StringComparison.Ordinal));
            Assert.Contains(events, e => e.Kind == SocketEventKind.Data && e.Direction == SocketDirection.Ingress && e.Command == "curl");
        }
        finally
        {
            if (server is not null)
            {
                server.Kill();
                server.WaitForExit();
                server.Dispose();
            }

            Directory.Delete(root, recursive: true);
            RemoveCgroup(inner);
            RemoveCgroup(outer);
        }
    }

    [BpfFact]
    public void CgroupIdIsTheDirectoryInode()
    {
        string mount = CgroupV2Mount() ?? throw new InvalidOperationException("no cgroup2 file system is mounted");
        // The root cgroup of cgroup v2 has id 1.
        Assert.Equal(1UL, SocketCapture.CgroupId(mount));
    }

    // As GatedProcess.Start, but stdin stays open for the program after the gate line.
    private static Process StartGatedWithInput(SocketCapture capture, string file, params string[] arguments)
    {
        var start = new ProcessStartInfo("sh") { RedirectStandardInput = true, RedirectStandardOutput = true };
        start.ArgumentList.Add("-c");
        start.ArgumentList.Add("read _ && exec \"$0\" \"$@\"");
        start.ArgumentList.Add(file);
        foreach (string argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        var process = Process.Start(start)!;
        capture.Watch(process.Id);
        process.StandardInput.WriteLine();
        process.StandardInput.Flush();
        return process;
    }

    [Fact]
    public void WatchingSomethingThatIsNotACgroupIsRefusedBeforeLoading()
    {
        string notCgroup = Directory.CreateTempSubdirectory("otlpgrains-notcgroup-").FullName;
        var e = Assert.Throws<ArgumentException>(() => SocketCapture.Start(new SocketCaptureOptions { WatchedCgroups = [notCgroup] }));
        Assert.Equal("WatchedCgroups", e.ParamName);
        Directory.Delete(notCgroup);
    }

    private static string? CgroupV2Mount() =>
        File.ReadLines("/proc/self/mounts").Select(line => line.Split(' ')).FirstOrDefault(f => f.Length > 2 && f[2] == "cgroup2")?[1];

    // A cgroup whose last task just exited can stay busy for a moment; retry until a deadline.
    private static void RemoveCgroup(string path)
    {
        var deadline = Stopwatch.StartNew();
        while (Directory.Exists(path))
        {
            try
            {
                Directory.Delete(path);
            }
            catch (IOException) when (deadline.Elapsed < TimeSpan.FromSeconds(5))
            {
                Thread.Yield();
            }
        }
    }

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
}
