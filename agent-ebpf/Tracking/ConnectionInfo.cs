using System.Net;
using OtlpGrains.Agent.Protocols;

namespace OtlpGrains.Agent.Tracking;

/// <summary>What the tracker knows about a connection: whose it is, the peer, the role, the protocol.</summary>
public sealed record ConnectionInfo(int Pid, IPEndPoint? Remote, ConnectionRole Role, ProtocolKind? Protocol)
{
    /// <summary>This side's address and port, when the capture reported them.</summary>
    public IPEndPoint? Local { get; init; }

    /// <summary>The protocol is parsed from TLS plaintext (OpenSSL probes), not from the bytes on the socket.</summary>
    public bool IsTls { get; init; }

    /// <summary>
    /// The span attributes of this connection, built at its first span and kept with it (copies made with <c>with</c>
    /// share the slot), so the addresses are formatted and conntrack is asked once per connection.
    /// </summary>
    public ConnectionAttributeSlot Attributes { get; init; } = new();
}

/// <summary>Where a connection keeps its span attributes once built.</summary>
public sealed class ConnectionAttributeSlot
{
    public Export.ConnectionAttributes? Value { get; set; }
}
