namespace OtlpGrains.Gateway.Http;

/// <summary>The encoding of an OTLP/HTTP request body, chosen by its media type.</summary>
internal enum OtlpBodyFormat
{
    /// <summary><c>application/x-protobuf</c>: the binary protobuf encoding.</summary>
    Protobuf = 0,

    /// <summary><c>application/json</c>: OTLP JSON (see <c>OtlpJson</c>).</summary>
    Json = 1,
}
