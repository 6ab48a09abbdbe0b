namespace OtlpGrains.Gateway.Ingest;

/// <summary>How an export request ended, independent of the transport that carried it.</summary>
internal enum IngestStatus
{
    /// <summary>Every item accepted.</summary>
    Accepted,

    /// <summary>Some items rejected as invalid, the rest accepted (OTLP partial success).</summary>
    PartiallyAccepted,

    /// <summary>Every item invalid; nothing changed.</summary>
    Invalid,

    /// <summary>Too much in flight; nothing changed; the sender should retry later.</summary>
    Busy,

    /// <summary>The grains could not take the batch; the sender should retry.</summary>
    Unavailable,
}

/// <summary>The status, how many items were rejected, and a one-line message for the sender.</summary>
internal readonly record struct IngestOutcome(IngestStatus Status, long Rejected, string? Message);
