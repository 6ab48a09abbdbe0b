namespace OtlpGrains.Agent.Protocols.Http2;

/// <summary>What a header block being decoded describes.</summary>
internal enum HeaderTarget
{
    Discard,
    Request,
    Response,
    Trailers,
}
