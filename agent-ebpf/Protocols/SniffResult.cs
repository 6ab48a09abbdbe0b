namespace OtlpGrains.Agent.Protocols;

/// <summary>
/// A protocol guess for a connection: the protocol and the direction that carries its requests
/// (<see cref="Direction.Egress"/> when the observed process is the client).
/// </summary>
public readonly record struct SniffResult(bool Found, ProtocolKind Kind, Direction RequestDirection)
{
    public static SniffResult None => default;

    public ConnectionRole Role => !Found ? ConnectionRole.Unknown
        : RequestDirection == Direction.Egress ? ConnectionRole.Client : ConnectionRole.Server;
}
