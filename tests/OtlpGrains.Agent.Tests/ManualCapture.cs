using System.Net;
using System.Net.Sockets;
using OtlpGrains.Agent.Bpf;
using OtlpGrains.Agent.Capture;

namespace OtlpGrains.Agent.Tests;

/// <summary>
/// A capture of watched pids only, on one attach group, that the test drains itself (no poll thread): once a child
/// has exited, everything it did is in the ring buffer.
/// </summary>
internal static class ManualCapture
{
    public static SocketCapture Start(string attachGroup) => SocketCapture.Start(new SocketCaptureOptions
    {
        OnlyWatched = true,
        PollInBackground = false,
        AttachGroups = [AttachGroup.All.Single(g => g.Name == attachGroup)],
    });

    /// <summary>A listening socket of the test process (not watched) on a free port of <paramref name="address"/>.</summary>
    public static TcpListener Listen(IPAddress address, out int port)
    {
        var listener = new TcpListener(address, 0);
        listener.Start();
        port = ((IPEndPoint)listener.LocalEndpoint).Port;
        return listener;
    }

    public static List<SocketEvent> Drain(SocketCapture capture)
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
