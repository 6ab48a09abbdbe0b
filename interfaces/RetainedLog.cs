namespace OtlpGrains.Interfaces;

/// <summary>A retained log record and the id of the template the service's miner gave it.</summary>
[GenerateSerializer, Immutable, Alias("otlpgrains.RetainedLog")]
public readonly record struct RetainedLog(
    [property: Id(0)] LogLine Line,
    [property: Id(1)] int Template);
