using System.Net;
using Google.Protobuf;
using OpenTelemetry.Proto.Trace.V1;
using OtlpGrains.Agent.Export;
using OtlpGrains.Agent.Processes;
using OtlpGrains.Agent.Protocols;
using OtlpGrains.Agent.Tracking;
using Xunit;

namespace OtlpGrains.Agent.Tests;

public sealed class LoopbackSpanLinkerTests
{
    private static readonly IPEndPoint ClientEnd = new(IPAddress.Loopback, 50_000);
    private static readonly IPEndPoint ServerEnd = new(IPAddress.Loopback, 8080);
    private static readonly ProcessIdentity Client = new(1, "web", "web", "web", null, null);
    private static readonly ProcessIdentity Server = new(2, "api", "api", "api", null, null);

    private readonly List<(ProcessIdentity Process, AgentSpan Span)> _sent = [];

    [Fact]
    public void BothEndsOfALocalConnectionBecomeParentAndChild()
    {
        var linker = new LoopbackSpanLinker((p, s) => _sent.Add((p, s)));
        var server = NewSpan(0x11);
        var client = NewSpan(0x22);

        // The server finishes its exchange first and waits; the client's completes the pair.
        linker.Add(Info(2, ConnectionRole.Server, local: ServerEnd, remote: ClientEnd), Server, server, 0);
        Assert.Empty(_sent);
        linker.Add(Info(1, ConnectionRole.Client, local: ClientEnd, remote: ServerEnd), Client, client, 1_000);

        Assert.Equal(2, _sent.Count);
        Assert.Equal(client.TraceId, server.TraceId);
        Assert.Equal(client.SpanId, server.ParentSpanId);
        Assert.Equal(1, linker.Linked);
    }

    [Fact]
    public void RemotePeersGoOutAtOnceAndLonelyHalvesAfterTheHold()
    {
        var linker = new LoopbackSpanLinker((p, s) => _sent.Add((p, s)));
        linker.Add(Info(1, ConnectionRole.Client, local: new IPEndPoint(IPAddress.Parse("10.0.0.5"), 40_000), remote: new IPEndPoint(IPAddress.Parse("10.0.0.9"), 80)), Client, NewSpan(1), 0);
        Assert.Single(_sent);

        var lonely = NewSpan(2);
        linker.Add(Info(2, ConnectionRole.Server, local: ServerEnd, remote: ClientEnd), Server, lonely, 0);
        linker.Flush(LoopbackSpanLinker.HoldNs);
        Assert.Single(_sent);
        linker.Flush(LoopbackSpanLinker.HoldNs + 1);
        Assert.Equal(2, _sent.Count);
        Assert.Equal(0UL, lonely.ParentSpanId);
        Assert.Equal(0, linker.Linked);
    }

    private static ConnectionInfo Info(int pid, ConnectionRole role, IPEndPoint local, IPEndPoint remote) =>
        new(pid, remote, role, ProtocolKind.Http1) { Local = local };

    private static AgentSpan NewSpan(byte id) => AgentSpan.Of(new Span
    {
        TraceId = ByteString.CopyFrom(Enumerable.Repeat(id, 16).ToArray()),
        SpanId = ByteString.CopyFrom(Enumerable.Repeat(id, 8).ToArray()),
        Name = "GET /",
    });
}
