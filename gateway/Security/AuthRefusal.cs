namespace OtlpGrains.Gateway.Security;

/// <summary>Why a request was refused before it reached its endpoint; each has its own counter series.</summary>
internal enum AuthRefusal
{
    /// <summary>No <c>authorization: Bearer</c> key (HTTP 401 / UNAUTHENTICATED).</summary>
    Missing = 0,

    /// <summary>A key that matches no configured hash (HTTP 401 / UNAUTHENTICATED).</summary>
    Unknown = 1,

    /// <summary>A known key without the endpoint's role (HTTP 403 / PERMISSION_DENIED).</summary>
    Forbidden = 2,
}
