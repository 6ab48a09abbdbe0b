namespace OtlpGrains.Models.Incidents;

/// <summary>How anomaly events group into incidents, in event time.</summary>
[GenerateSerializer, Immutable, Alias("otlpgrains.incidents.IncidentOptions")]
public sealed record IncidentOptions
{
    /// <summary>
    /// An event joins an open incident when its window starts at most this long after the incident's last anomalous
    /// window ended (and its service is in the incident or connected to one that is). Default: 60 s.
    /// </summary>
    [Id(0)] public TimeSpan JoinGap { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>An open incident resolves once the event-time watermark is this far past its last anomalous window. Default: 60 s.</summary>
    [Id(1)] public TimeSpan ResolveAfter { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>Incidents kept open at once; beyond it the oldest is resolved early. Default: 100.</summary>
    [Id(2)] public int MaxOpen { get; init; } = 100;

    /// <summary>Resolved incidents kept for the API, newest last. Default: 200.</summary>
    [Id(3)] public int KeptResolved { get; init; } = 200;

    /// <summary>Services kept per incident. Default: 64.</summary>
    [Id(4)] public int MaxServices { get; init; } = 64;

    /// <summary>
    /// An open incident none of whose anomalies has crossed a threshold for this long (they are only held while their
    /// signals come back) takes no further service: a fresh anomaly of a service not in it opens an incident of its
    /// own, since what the winding-down incident was about has passed. Default: 30 s.
    /// </summary>
    [Id(5)] public TimeSpan WindingDownAfter { get; init; } = TimeSpan.FromSeconds(30);

    public static IncidentOptions Default { get; } = new();

    /// <summary>Throws <see cref="ArgumentException"/> with one line naming the first bad value.</summary>
    public void Validate()
    {
        if (JoinGap < TimeSpan.Zero || JoinGap > TimeSpan.FromHours(1))
        {
            throw new ArgumentException($"JoinGap must be in [0, 1 h], got {JoinGap}");
        }

        if (ResolveAfter <= TimeSpan.Zero || ResolveAfter > TimeSpan.FromHours(6))
        {
            throw new ArgumentException($"ResolveAfter must be in (0, 6 h], got {ResolveAfter}");
        }

        if (WindingDownAfter <= TimeSpan.Zero || WindingDownAfter > TimeSpan.FromHours(1))
        {
            throw new ArgumentException($"WindingDownAfter must be in (0, 1 h], got {WindingDownAfter}");
        }

        if (MaxOpen is < 1 or > 10_000 || KeptResolved is < 0 or > 100_000 || MaxServices is < 1 or > 10_000)
        {
            throw new ArgumentException($"MaxOpen, KeptResolved and MaxServices must be positive and bounded, got {MaxOpen}, {KeptResolved}, {MaxServices}");
        }
    }
}
