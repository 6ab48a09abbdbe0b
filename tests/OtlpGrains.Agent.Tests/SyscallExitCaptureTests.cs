using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using OtlpGrains.Agent.Capture;
using Xunit;

namespace OtlpGrains.Agent.Tests;

/// <summary>
/// The kernel side handles a read or write at its exit alone, with the call's arguments taken from the saved user
/// registers: what that path must still get right on the real kernel, in both attach groups.
/// </summary>
public sealed class SyscallExitCaptureTests
{
    private static readonly TimeSpan ChildTimeout = TimeSpan.FromSeconds(10);

    // Five non-blocking reads that find nothing (EAGAIN), then one that reads "pong", then a writev of two iovecs.
    private const string Client = """
        import os, socket, sys
        s = socket.create_connection(('::1', int(sys.argv[1])))
        s.setblocking(False)
        misses = 0
        for _ in range(5):
            try:
                s.recv(64)
            except BlockingIOError:
                misses += 1
        print('misses', misses)
        sys.stdin.readline()
        s.setblocking(True)
        data = s.recv(64)
        os.writev(s.fileno(), [b'ab', b'cd'])
        s.close()
        print('got', data.decode())
        """;

    [BpfTheory]
    [InlineData("tracepoints")]
    [InlineData("tp_btf")]
    public void ReadsThatMoveNothingAreNeitherSentNorCountedAndIpv6CallsKeepTheirArguments(string attachGroup)
    {
        using SocketCapture capture = ManualCapture.Start(attachGroup);
        using TcpListener listener = ManualCapture.Listen(IPAddress.IPv6Loopback, out int port);
        using Process child = GatedProcess.Start(capture, keepInput: true, GatedProcess.Python, "-u", "-c", Client,
            port.ToString(CultureInfo.InvariantCulture));
        try
        {
            using TcpClient accepted = listener.AcceptTcpClient();
            Assert.Equal("misses 5", child.StandardOutput.ReadLine());
            accepted.GetStream().Write("pong"u8);
            child.StandardInput.WriteLine("go");
            child.StandardInput.Close();
            Assert.Equal("got pong", child.StandardOutput.ReadLine());
            Assert.True(child.WaitForExit(ChildTimeout), "the python client did not finish");

            var events = ManualCapture.Drain(capture).Where(e => e.Pid == child.Id).ToList();
            SocketEvent connect = Assert.Single(events, e => e.Kind == SocketEventKind.Connect);
            Assert.Equal(new IPEndPoint(IPAddress.IPv6Loopback, port), connect.RemoteEndPoint);

            // The five empty reads left no event: the only read is the one that moved "pong".
            var data = events.Where(e => e.Kind == SocketEventKind.Data && e.Fd == connect.Fd).ToList();
            SocketEvent read = Assert.Single(data, e => e.Direction == SocketDirection.Ingress);
            Assert.Equal(("pong", 4), (Encoding.ASCII.GetString(read.Payload.Span), read.OriginalLength));
            Assert.Equal((connect.LocalEndPoint, connect.RemoteEndPoint), (read.LocalEndPoint, read.RemoteEndPoint));

            // writev: the head is the first iovec, the tail the end of the second, the length the whole call.
            SocketEvent write = Assert.Single(data, e => e.Direction == SocketDirection.Egress);
            Assert.Equal(("ab", "cd", 4), (Encoding.ASCII.GetString(write.Payload.Span), Encoding.ASCII.GetString(write.Tail.Span), write.OriginalLength));

            // Nor were they counted: one receive of 4 bytes, one send of 4.
            SocketEvent close = Assert.Single(events, e => e.Kind == SocketEventKind.Close && e.Fd == connect.Fd);
            ConnectionTotals totals = Assert.NotNull(close.Totals);
            Assert.Equal((1L, 4L, 1L, 4L), (totals.Receives, totals.BytesReceived, totals.Sends, totals.BytesSent));
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
}
