namespace OtlpGrains.Interfaces;

/// <summary>The OTLP span kind, with the same numbers as <c>Span.SpanKind</c> on the wire.</summary>
public enum SpanKindCode : byte
{
    Unspecified = 0,
    Internal = 1,
    Server = 2,
    Client = 3,
    Producer = 4,
    Consumer = 5,
}
