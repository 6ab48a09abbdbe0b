namespace OtlpGrains.Agent.Protocols;

/// <summary>The application protocols the agent can parse.</summary>
public enum ProtocolKind
{
    Http1,
    Http2,
    Redis,
    Postgres,
    MySql,
    Kafka,
}
