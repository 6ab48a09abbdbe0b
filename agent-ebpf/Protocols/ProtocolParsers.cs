using OtlpGrains.Agent.Protocols.Http1;
using OtlpGrains.Agent.Protocols.Http2;
using OtlpGrains.Agent.Protocols.Kafka;
using OtlpGrains.Agent.Protocols.MySql;
using OtlpGrains.Agent.Protocols.Postgres;
using OtlpGrains.Agent.Protocols.Redis;

namespace OtlpGrains.Agent.Protocols;

/// <summary>Creates the parser for a sniffed connection.</summary>
public static class ProtocolParsers
{
    /// <summary>
    /// A parser for <paramref name="kind"/>; requests travel in <paramref name="requestDirection"/> (egress when the observed
    /// process is the client). Completed exchanges go to <paramref name="sink"/>.
    /// </summary>
    public static IProtocolParser Create(ProtocolKind kind, Direction requestDirection, Action<ProtocolExchange> sink) => kind switch
    {
        ProtocolKind.Http1 => new Http1Parser(requestDirection, sink),
        ProtocolKind.Redis => new RespParser(requestDirection, sink),
        ProtocolKind.Postgres => new PostgresParser(requestDirection, sink),
        ProtocolKind.MySql => new MySqlParser(requestDirection, sink),
        ProtocolKind.Kafka => new KafkaParser(requestDirection, sink),
        ProtocolKind.Http2 => new Http2Parser(requestDirection, sink),
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "unknown protocol"),
    };

    public static IProtocolParser Create(SniffResult sniff, Action<ProtocolExchange> sink) =>
        Create(sniff.Kind, sniff.RequestDirection, sink);
}
