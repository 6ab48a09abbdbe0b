namespace OtlpGrains.Gateway.Otlp;

/// <summary>How a field's JSON value is read and written as protobuf: its proto type, with two OTLP refinements.</summary>
internal enum JsonFieldKind : byte
{
    Double,
    Float,
    Int64,
    UInt64,
    Int32,
    UInt32,
    SInt32,
    SInt64,
    Fixed32,
    Fixed64,
    SFixed32,
    SFixed64,
    Bool,
    Enum,
    String,

    /// <summary>Bytes in base64 (standard or URL-safe, padded or not), as the proto3 JSON mapping says.</summary>
    Bytes,

    /// <summary>An OTLP trace or span id: bytes written in JSON as hex, not base64.</summary>
    HexId,

    Message,

    /// <summary>A map or a well-known type with a JSON form of its own (Any, Struct, Timestamp...): none is in OTLP.</summary>
    Unsupported,
}
