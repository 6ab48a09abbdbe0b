namespace OtlpGrains.Gateway.Ingest;

/// <summary>Why the gateway refused a whole request; each has its own counter.</summary>
internal enum RefusalReason
{
    /// <summary>Every item in it was invalid (HTTP 400 / INVALID_ARGUMENT).</summary>
    Invalid = 0,

    /// <summary>Not decodable protobuf, JSON or gzip (HTTP 400 / INVALID_ARGUMENT).</summary>
    Malformed = 1,

    /// <summary>Body over the size limit (HTTP 413 / RESOURCE_EXHAUSTED).</summary>
    TooLarge = 2,

    /// <summary>Media type or content encoding not OTLP (HTTP 415).</summary>
    UnsupportedMediaType = 3,

    /// <summary>Too much in flight (HTTP 429 / RESOURCE_EXHAUSTED), retryable.</summary>
    Busy = 4,

    /// <summary>The grains could not take the batch (HTTP 503 / UNAVAILABLE), retryable.</summary>
    Unavailable = 5,

    /// <summary>The sender's key (or address) went over its requests per second (HTTP 429 / RESOURCE_EXHAUSTED), retryable.</summary>
    Rate = 6,
}
