namespace OtlpGrains.Agent.Protocols.Http1;

/// <summary>Where an HTTP/1.x message stream is between two bytes.</summary>
internal enum Http1Phase
{
    Head,
    Body,
    ChunkSize,
    ChunkData,
    Trailers,
    UntilClose,
}
