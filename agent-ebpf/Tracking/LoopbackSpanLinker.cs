using System.Net;
using OtlpGrains.Agent.Export;
using OtlpGrains.Agent.Processes;
using OtlpGrains.Agent.Protocols;

namespace OtlpGrains.Agent.Tracking;

/// <summary>
/// When the agent sees both ends of a connection (both processes on this node), it links them: the server span joins
/// the client span's trace as its child, which gives the service graph a real edge instead of a virtual node. Spans
/// of such connections wait up to <see cref="HoldNs"/> for their other half, in the order their exchanges completed
/// (requests on one connection are sequential); spans of connections to other hosts go out at once.
/// </summary>
public sealed class LoopbackSpanLinker(Action<ProcessIdentity, AgentSpan> send)
{
    /// <summary>How long a span waits for its other half, on the capture clock (events drained, not time passed).</summary>
    public const long HoldNs = 200_000_000;

    private readonly Dictionary<(IPEndPoint Client, IPEndPoint Server), Pending> _pending = [];

    public long Linked { get; private set; }

    public void Add(ConnectionInfo connection, ProcessIdentity process, AgentSpan span, long nowNs)
    {
        if (connection.Local is not { } local || connection.Remote is not { } remote || !IPAddress.IsLoopback(Unmapped(remote.Address))
            || connection.Role == ConnectionRole.Unknown)
        {
            send(process, span);
            return;
        }

        var isClient = connection.Role == ConnectionRole.Client;
        var key = isClient ? (Normal(local), Normal(remote)) : (Normal(remote), Normal(local));
        if (!_pending.TryGetValue(key, out var pending))
        {
            pending = new Pending();
            _pending.Add(key, pending);
        }

        var mine = isClient ? pending.Clients : pending.Servers;
        var theirs = isClient ? pending.Servers : pending.Clients;
        if (theirs.TryDequeue(out var other))
        {
            var (client, server) = isClient ? ((process, span), (other.Process, other.Span)) : ((other.Process, other.Span), (process, span));
            if (Link(client.Item2, server.Item2))
            {
                Linked++;
            }

            send(client.Item1, client.Item2);
            send(server.Item1, server.Item2);
        }
        else
        {
            mine.Enqueue((process, span, nowNs));
        }

        if (pending.Clients.Count == 0 && pending.Servers.Count == 0)
        {
            _pending.Remove(key);
        }
    }

    /// <summary>Sends the spans that waited longer than <see cref="HoldNs"/> (all of them with <paramref name="all"/>).</summary>
    public void Flush(long nowNs, bool all = false)
    {
        foreach (var (key, pending) in _pending.ToArray())
        {
            Drain(pending.Clients, nowNs, all);
            Drain(pending.Servers, nowNs, all);
            if (pending.Clients.Count == 0 && pending.Servers.Count == 0)
            {
                _pending.Remove(key);
            }
        }
    }

    private void Drain(Queue<(ProcessIdentity Process, AgentSpan Span, long SinceNs)> queue, long nowNs, bool all)
    {
        while (queue.TryPeek(out var head) && (all || nowNs - head.SinceNs > HoldNs))
        {
            queue.Dequeue();
            send(head.Process, head.Span);
        }
    }

    // A server span that carries the caller's own context (traceparent) keeps it; otherwise it becomes the child.
    private static bool Link(AgentSpan client, AgentSpan server)
    {
        if (server.ParentSpanId != 0)
        {
            return false;
        }

        server.TraceId = client.TraceId;
        server.ParentSpanId = client.SpanId;
        return true;
    }

    private static IPAddress Unmapped(IPAddress address) => address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address;

    private static IPEndPoint Normal(IPEndPoint endpoint) => new(Unmapped(endpoint.Address), endpoint.Port);

    private sealed class Pending
    {
        public Queue<(ProcessIdentity Process, AgentSpan Span, long SinceNs)> Clients { get; } = new();

        public Queue<(ProcessIdentity Process, AgentSpan Span, long SinceNs)> Servers { get; } = new();
    }
}
