namespace OtlpGrains.LoadTool;

/// <summary>An export the server did not acknowledge: its status as the protocol names it, and whether to retry.</summary>
internal sealed class ExportRefusedException : Exception
{
    public ExportRefusedException(string status, bool throttled, TimeSpan? retryAfter, string detail)
        : base($"{status}: {detail}")
    {
        Status = status;
        Throttled = throttled;
        RetryAfter = retryAfter;
        Detail = detail;
    }

    public ExportRefusedException()
        : this("Unknown", false, null, string.Empty)
    {
    }

    public ExportRefusedException(string message)
        : this("Unknown", false, null, message)
    {
    }

    public ExportRefusedException(string message, Exception innerException)
        : base(message, innerException)
    {
        Status = "Unknown";
        Detail = message;
    }

    /// <summary>The gRPC status code name, or the HTTP status code.</summary>
    public string Status { get; }

    /// <summary>The server asked the sender to back off and retry (RESOURCE_EXHAUSTED/UNAVAILABLE, HTTP 429/503).</summary>
    public bool Throttled { get; }

    /// <summary>How long the server asked the sender to wait, when it said.</summary>
    public TimeSpan? RetryAfter { get; }

    public string Detail { get; }
}
