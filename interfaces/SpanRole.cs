namespace OtlpGrains.Interfaces;

/// <summary>What a span counts as for its service, decided once at the gateway.</summary>
[Flags]
public enum SpanRole : byte
{
    None = 0,

    /// <summary>A request of the service: a SERVER or CONSUMER span, or a root span of any kind.</summary>
    Request = 1,

    /// <summary>The span failed: status ERROR, HTTP status &gt;= 500, or a gRPC status other than OK.</summary>
    Error = 2,

    /// <summary>The span has no parent.</summary>
    Root = 4,
}
