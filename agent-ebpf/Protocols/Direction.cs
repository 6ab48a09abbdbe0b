namespace OtlpGrains.Agent.Protocols;

/// <summary>Which way a captured chunk travelled, seen from the observed process.</summary>
public enum Direction
{
    /// <summary>The observed process wrote these bytes.</summary>
    Egress,

    /// <summary>The observed process read these bytes.</summary>
    Ingress,
}
