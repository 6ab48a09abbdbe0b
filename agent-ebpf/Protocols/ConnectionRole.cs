namespace OtlpGrains.Agent.Protocols;

/// <summary>Whether the observed process is the client or the server of a connection.</summary>
public enum ConnectionRole
{
    Unknown,
    Client,
    Server,
}
