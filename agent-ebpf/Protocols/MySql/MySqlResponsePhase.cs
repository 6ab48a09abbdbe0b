namespace OtlpGrains.Agent.Protocols.MySql;

/// <summary>Where a response is: its first packet, column or parameter definitions, an optional EOF, or rows.</summary>
internal enum MySqlResponsePhase
{
    First,
    Definitions,
    OptionalEof,
    Rows,
    Done,
}
