using OtlpGrains.Models.Services;

namespace OtlpGrains.Models.Detection;

/// <summary>
/// Which of a service's windows are a warm-up after a pause: the windows of a signal that start within
/// <see cref="WarmUpNanos"/> of its first window with data after at least <see cref="IdleNanos"/> without any (its
/// windows in between closed empty). A service that takes traffic again after a pause runs on cold caches,
/// connection pools and JIT for a while, and its first requests differ in mix (clients reconnect, log in, reload):
/// judged against its steady state, that minute reads as a shift in latency and code paths on many services at once,
/// an incident with no fault. Warm-up windows are learned as usual but not judged. The cost: a fault that begins with
/// the resumption is flagged up to a minute late. A signal's first data ever starts no warm-up (its detectors are not
/// calibrated yet anyway). Bounded: two numbers per signal.
/// </summary>
[GenerateSerializer, Alias("otlpgrains.IdleWarmUp")]
public sealed class IdleWarmUp
{
    /// <summary>A pause of a signal at least this long (no data) makes its next windows a warm-up: a minute and a half.</summary>
    public const long IdleNanos = 90_000_000_000;

    /// <summary>How long a warm-up lasts from the first window with data after the pause: one minute.</summary>
    public const long WarmUpNanos = 60_000_000_000;

    [Id(0)] private readonly Dictionary<WindowSignal, long> _lastActiveEnd = [];
    [Id(1)] private readonly Dictionary<WindowSignal, long> _warmUntil = [];

    /// <summary>Takes a closed window in (in close order) and says whether it falls in a warm-up.</summary>
    public bool Warming(ClosedWindow window)
    {
        ArgumentNullException.ThrowIfNull(window);
        if (!HasData(window))
        {
            return false;
        }

        if (_lastActiveEnd.TryGetValue(window.Signal, out long lastEnd) && window.StartUnixNano - lastEnd >= IdleNanos)
        {
            _warmUntil[window.Signal] = window.StartUnixNano + WarmUpNanos;
        }

        _lastActiveEnd[window.Signal] = Math.Max(lastEnd, window.EndUnixNano);
        return _warmUntil.TryGetValue(window.Signal, out long until) && window.StartUnixNano < until;
    }

    // A window closed with nothing in it: no requests, lines, steps or points (counts of zero, latencies and series NaN).
    private static bool HasData(ClosedWindow window)
    {
        if (window.Templates.Length > 0 || window.Transitions.Length > 0)
        {
            return true;
        }

        foreach (double value in window.Features)
        {
            if (value != 0 && !double.IsNaN(value))
            {
                return true;
            }
        }

        return false;
    }
}
