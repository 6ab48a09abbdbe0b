namespace OtlpGrains.Interfaces;

/// <summary>How a cluster answered a federated query (written in camel case: <c>ok</c>, <c>timeout</c>, ...).</summary>
public enum ClusterStatus
{
    /// <summary>It answered.</summary>
    Ok = 0,

    /// <summary>It did not answer within the peer deadline.</summary>
    Timeout = 1,

    /// <summary>It could not be reached (connection refused, no route, not reached yet).</summary>
    Unavailable = 2,

    /// <summary>It refused our key or certificate (gRPC UNAUTHENTICATED or PERMISSION_DENIED).</summary>
    Refused = 3,

    /// <summary>Any other failure; the detail says which.</summary>
    Error = 4,
}
