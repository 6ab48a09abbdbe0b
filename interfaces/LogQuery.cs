namespace OtlpGrains.Interfaces;

/// <summary>
/// Which of a service's retained log records to return: event time in [From, To) (null bounds: everything
/// retained), only those of one trace (both halves zero: any) and of one template (null: any), at most
/// <see cref="Limit"/>, newest first.
/// </summary>
[GenerateSerializer, Immutable, Alias("otlpgrains.LogQuery")]
public sealed record LogQuery(
    [property: Id(0)] DateTimeOffset? From,
    [property: Id(1)] DateTimeOffset? To,
    [property: Id(2)] ulong TraceIdHigh,
    [property: Id(3)] ulong TraceIdLow,
    [property: Id(4)] int Limit)
{
    /// <summary>Only records of this template id, when set.</summary>
    [Id(5)] public int? Template { get; init; }

    /// <summary>The most records one query returns.</summary>
    public const int MaxLimit = 1000;

    /// <summary>Records returned when no limit is given.</summary>
    public const int DefaultLimit = 100;
}
