using System.Net;
using Google.Protobuf;
using OpenTelemetry.Proto.Common.V1;
using OtlpGrains.Agent.Conntrack;
using OtlpGrains.Agent.Protocols;

namespace OtlpGrains.Agent.Export;

/// <summary>
/// The attributes a connection gives every span made from it (proto/otlpgrains/agent/README.md): the peer as
/// <c>server.address</c>/<c>client.address</c>, the connection's <c>network.*</c> identity and, when conntrack shows a
/// translation, <c>otlpgrains.nat.*</c>. Built and encoded once per connection and shared by its spans, so the span path
/// neither formats an address nor encodes these again (the key-values are never changed after they are built).
/// </summary>
public sealed class ConnectionAttributes
{
    private ConnectionAttributes(KeyValue[] items)
    {
        Items = items;
        var carrier = new OpenTelemetry.Proto.Trace.V1.Span();
        carrier.Attributes.Add(items);
        Encoded = carrier.ToByteArray();
    }

    /// <summary>No connection details (a span made without a socket).</summary>
    public static ConnectionAttributes None { get; } = new([]);

    public IReadOnlyList<KeyValue> Items { get; }

    /// <summary>The items encoded once as a span's attribute fields (field 9 each), copied into every span's bytes.</summary>
    public byte[] Encoded { get; }

    /// <summary>Only the peer, as <c>server.address</c> (client spans) or <c>client.address</c> (server spans).</summary>
    public static ConnectionAttributes Peer(ConnectionRole role, string? address, int port)
    {
        var items = new List<KeyValue>(2);
        AddPeer(items, role, address, port);
        return new ConnectionAttributes([.. items]);
    }

    /// <param name="role">Client or server: which of the conntrack tuples names the other end's view.</param>
    /// <param name="local">This socket's address, when the capture reported it.</param>
    /// <param name="remote">The other end's address as this socket sees it.</param>
    /// <param name="nat">The conntrack entry of the connection, when one was found; used only when translated.</param>
    public static ConnectionAttributes Of(ConnectionRole role, IPEndPoint? local, IPEndPoint? remote, ConntrackEntry? nat = null)
    {
        var peer = remote is null ? null : Unmapped(remote);
        var items = new List<KeyValue>(12);
        AddPeer(items, role, peer?.Address.ToString(), peer?.Port ?? 0);
        if (local is null || peer is null)
        {
            return new ConnectionAttributes([.. items]);
        }

        var self = Unmapped(local);
        items.Add(Text("network.transport", "tcp"));
        items.Add(Text("network.type", self.Address.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6 ? "ipv6" : "ipv4"));
        AddEndPoint(items, "network.local", self);
        AddEndPoint(items, "network.peer", peer);
        if (nat is { IsTranslated: true } && role is ConnectionRole.Client or ConnectionRole.Server)
        {
            // The tuple as the other end sees it: for a client, the reply tuple (the server's real address); for a
            // server, the original tuple (the address the client dialled).
            var (natLocal, natPeer) = role == ConnectionRole.Client
                ? (nat.ReplyDestination, nat.ReplySource)
                : (nat.OriginalDestination, nat.OriginalSource);
            AddEndPoint(items, "otlpgrains.nat.local", Unmapped(natLocal));
            AddEndPoint(items, "otlpgrains.nat.peer", Unmapped(natPeer));
        }

        return new ConnectionAttributes([.. items]);
    }

    /// <summary>IPv4-mapped IPv6 addresses as IPv4 (the contract's form).</summary>
    public static IPEndPoint Unmapped(IPEndPoint endpoint) =>
        endpoint.Address.IsIPv4MappedToIPv6 ? new IPEndPoint(endpoint.Address.MapToIPv4(), endpoint.Port) : endpoint;

    private static void AddPeer(List<KeyValue> items, ConnectionRole role, string? address, int port)
    {
        if (string.IsNullOrEmpty(address))
        {
            return;
        }

        var server = role == ConnectionRole.Client;
        items.Add(Text(server ? "server.address" : "client.address", address));
        if (port > 0)
        {
            items.Add(Int(server ? "server.port" : "client.port", port));
        }
    }

    private static void AddEndPoint(List<KeyValue> items, string prefix, IPEndPoint endpoint)
    {
        items.Add(Text(prefix + ".address", endpoint.Address.ToString()));
        items.Add(Int(prefix + ".port", endpoint.Port));
    }

    private static KeyValue Text(string key, string value) => new() { Key = key, Value = new AnyValue { StringValue = value } };

    private static KeyValue Int(string key, long value) => new() { Key = key, Value = new AnyValue { IntValue = value } };
}
