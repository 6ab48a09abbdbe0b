using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using OtlpGrains.Agent.Capture;
using Xunit;

namespace OtlpGrains.Agent.Tests;

/// <summary>
/// <see cref="SocketCapture.TryPoll(TimeSpan, Action{SocketEvent})"/>, the agent's own way to drain: each event goes
/// straight to the handler in one reused object (nothing queued), and a handler's failure reaches the poller without
/// losing the events after it.
/// </summary>
public sealed class SocketCaptureDeliveryTests
{
    private static readonly TimeSpan ChildTimeout = TimeSpan.FromSeconds(10);

    [BpfFact]
    public void EventsGoStraightToTheHandlerInOneReusedObject()
    {
        using var capture = SocketCapture.Start(new SocketCaptureOptions { OnlyWatched = true, PollInBackground = false });
        int child = ExchangeWithChild(capture, "direct-marker");

        var seen = new List<(int Pid, SocketEventKind Kind, SocketDirection Direction, string Text)>();
        var objects = new HashSet<SocketEvent>(ReferenceEqualityComparer.Instance);
        Assert.True(capture.TryPoll(TimeSpan.FromMilliseconds(1), e =>
        {
            objects.Add(e);
            seen.Add((e.Pid, e.Kind, e.Direction, Encoding.ASCII.GetString(e.Payload.Span)));
        }));

        Assert.Contains(seen, e => e.Pid == child && e.Kind == SocketEventKind.Data && e.Direction == SocketDirection.Egress && e.Text == "direct-marker");
        Assert.Contains(seen, e => e.Pid == child && e.Kind == SocketEventKind.Connect);
        Assert.Single(objects);
        Assert.False(capture.Events.TryRead(out _), "a directly delivered event was also queued");
    }

    [BpfFact]
    public void AHandlersFailureIsThrownByThePollAndTheEventsAfterItComeNext()
    {
        using var capture = SocketCapture.Start(new SocketCaptureOptions { OnlyWatched = true, PollInBackground = false });
        int child = ExchangeWithChild(capture, "failing-marker");

        var failure = Assert.Throws<InvalidOperationException>(() => capture.TryPoll(TimeSpan.FromMilliseconds(1), _ => throw new InvalidOperationException("handler failed")));
        Assert.Equal("handler failed", failure.Message);

        // The failed event is consumed; the child's later ones (its data, its close) are still in the ring buffer.
        var rest = new List<(int Pid, SocketEventKind Kind)>();
        Assert.True(capture.TryPoll(TimeSpan.FromMilliseconds(1), e => rest.Add((e.Pid, e.Kind))));
        Assert.Contains(rest, e => e.Pid == child && e.Kind == SocketEventKind.Data);
        Assert.False(capture.Events.TryRead(out _), "a directly delivered event was also queued");
    }

    [BpfFact]
    public void APollAfterDisposeSaysSo()
    {
        var capture = SocketCapture.Start(new SocketCaptureOptions { OnlyWatched = true, PollInBackground = false });
        capture.Dispose();
        Assert.False(capture.TryPoll(TimeSpan.FromMilliseconds(1), _ => { }));
    }

    // A watched python child connects to a listener here, sends the marker and closes; returns its pid.
    private static int ExchangeWithChild(SocketCapture capture, string marker)
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        int port = ((IPEndPoint)listener.LocalEndpoint).Port;
        using var child = GatedProcess.Start(capture, GatedProcess.Python, "-c",
            $"import socket,sys; s=socket.create_connection(('127.0.0.1', int(sys.argv[1]))); s.sendall(b'{marker}'); s.close()",
            port.ToString(CultureInfo.InvariantCulture));
        using (TcpClient accepted = listener.AcceptTcpClient())
        {
            accepted.GetStream().CopyTo(Stream.Null);
        }

        Assert.True(child.WaitForExit(ChildTimeout), "the python client did not finish");
        return child.Id;
    }
}
