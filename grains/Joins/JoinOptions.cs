namespace OtlpGrains.Grains.Joins;

/// <summary>How the halves of requests that node agents saw on two nodes are joined (the agent contract's join key).</summary>
public sealed class JoinOptions
{
    /// <summary>The configuration section these options bind to.</summary>
    public const string SectionName = "OtlpGrains:Join";

    /// <summary>
    /// How far a server span may stick out of its client span and still pair with it: the clock skew between nodes.
    /// Larger tolerates worse clocks and risks pairing neighbours on a busy keep-alive connection. Default: 100.
    /// </summary>
    public double SkewMilliseconds { get; set; } = 100;

    /// <summary>
    /// How long a half waits for its other half; one that waited longer expires (counted) and stays as it is. Keep it
    /// below Traces:IdleSeconds plus the agents' export delay, or a late pair finds its client trace completed.
    /// Default: 10.
    /// </summary>
    public double TtlSeconds { get; set; } = 10;

    /// <summary>The most halves a silo's join shards hold together (each a 1/32 share); the oldest are dropped beyond. Default: 320000.</summary>
    public int MaxHalves { get; set; } = 320_000;
}
