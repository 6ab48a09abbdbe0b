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
}
