using System.Globalization;

namespace OtlpGrains.LoadTool;

/// <summary>What the fault mode injects into one service.</summary>
internal enum FaultKind
{
    /// <summary>The service's SERVER spans take <see cref="FaultPlan.LatencyFactor"/> times as long.</summary>
    Latency,

    /// <summary>A share (<see cref="FaultPlan.ErrorRatio"/>) of the service's SERVER spans fail.</summary>
    Errors,
}

/// <summary>
/// A fault injected into one service from a moment of event time on, so that an anomaly detector has something
/// known to find: which service, from when, and how bad.
/// </summary>
/// <remarks>
/// A slower server also makes its callers slower, as it would in a real system: the client span that waits for it
/// and every ancestor up to the root end later by the same extra time. Failed server spans do not fail their
/// callers, so an error fault stays in the one service.
/// </remarks>
internal sealed record FaultPlan(FaultKind Kind, int Service, TimeSpan After, double LatencyFactor, double ErrorRatio)
{
    public const double DefaultLatencyFactor = 10;
    public const double DefaultErrorRatio = 0.5;

    /// <summary>Whether trace number <paramref name="trace"/> fails in the faulty service (evenly spread by a hash).</summary>
    public bool FailsTrace(int trace)
    {
        // Fibonacci hashing spreads consecutive trace numbers evenly over [0, 1).
        double position = (uint)(trace * 2654435761u) / 4294967296.0;
        return Kind == FaultKind.Errors && position < ErrorRatio;
    }

    public string Describe(LoadOptions options) => Kind switch
    {
        FaultKind.Latency => $"latency x{LatencyFactor.ToString("0.##", CultureInfo.InvariantCulture)}",
        _ => $"errors in {(ErrorRatio * 100).ToString("0.#", CultureInfo.InvariantCulture)}% of requests",
    } + $" in {options.ServiceName(Service)} from {After.TotalSeconds.ToString("0.#", CultureInfo.InvariantCulture)} s of event time on";
}
