namespace OtlpGrains.Agent.Protocols.Http2;

/// <summary>Receives decoded header fields; the spans are valid only during the call.</summary>
internal interface IHeaderSink
{
    void OnHeader(ReadOnlySpan<byte> name, ReadOnlySpan<byte> value);
}
