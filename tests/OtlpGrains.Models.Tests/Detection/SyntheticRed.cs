namespace OtlpGrains.Models.Tests.Detection;

/// <summary>The faults a synthetic service can suffer from its onset window on.</summary>
internal enum Fault
{
    None,

    /// <summary>One window whose p99 is five times its usual value.</summary>
    Spike,

    /// <summary>Every latency percentile 60% higher from the onset on.</summary>
    LevelShift,

    /// <summary>p95 and p99 creeping up by 20% of their usual level per window.</summary>
    LatencyCreep,

    /// <summary>The error ratio jumps from about 1% to 15%.</summary>
    ErrorBurst,

    /// <summary>The request rate falls to a quarter.</summary>
    TrafficDrop,
}

/// <summary>
/// A service's RED windows (rate, errorRatio, p50, p95, p99) every five minutes, with a daily rhythm (rate and
/// latency peak in the afternoon), Gaussian noise (clipped at 4 sigma) and Poisson errors; deterministic for a seed.
/// </summary>
internal sealed class SyntheticRed
{
    public const long WindowNanos = 5L * 60 * 1_000_000_000;
    public const int WindowsPerDay = 288;

    // Monday 2026-11-02 00:00 UTC.
    private const long StartNanos = 1_793_577_600L * 1_000_000_000;

    private readonly Random _random;
    private readonly Fault _fault;
    private readonly int _onset;

    public SyntheticRed(int seed, Fault fault = Fault.None, int onset = int.MaxValue)
    {
        _random = new Random(seed);
        _fault = fault;
        _onset = onset;
    }

    public static long StartOf(int window) => StartNanos + (window * WindowNanos);

    /// <summary>The vector of window <paramref name="window"/> (call in order).</summary>
    public double[] Window(int window)
    {
        double day = 2 * Math.PI * (window % WindowsPerDay) / WindowsPerDay;
        double rhythm = Math.Sin(day - (Math.PI / 2));
        double rate = (100 + (40 * rhythm)) * (1 + (0.03 * Gaussian()));
        int since = window - _onset;
        if (_fault == Fault.TrafficDrop && since >= 0)
        {
            rate *= 0.25;
        }

        double errors = Poisson(rate * 300 * (_fault == Fault.ErrorBurst && since >= 0 ? 0.15 : 0.01));
        double latency = 1 + (0.15 * rhythm);
        double p50 = 20 * latency * (1 + (0.04 * Gaussian()));
        double p95 = 55 * latency * (1 + (0.05 * Gaussian()));
        double p99 = 90 * latency * (1 + (0.06 * Gaussian()));
        if (since >= 0)
        {
            switch (_fault)
            {
                case Fault.Spike when since == 0:
                    p99 *= 5;
                    break;
                case Fault.LevelShift:
                    p50 *= 1.6;
                    p95 *= 1.6;
                    p99 *= 1.6;
                    break;
                case Fault.LatencyCreep:
                    p95 *= 1 + (0.2 * (since + 1));
                    p99 *= 1 + (0.2 * (since + 1));
                    break;
            }
        }

        return [rate, errors / (rate * 300), p50, p95, p99];
    }

    // Clipped at 4 sigma: an unclipped draw now and then lands 6 sigma out, a genuine outlier in what the tests call the
    // clean part.
    private double Gaussian() =>
        Math.Clamp(Math.Sqrt(-2 * Math.Log(1 - _random.NextDouble())) * Math.Cos(2 * Math.PI * _random.NextDouble()), -4, 4);

    // Normal approximation: the means here are in the hundreds.
    private double Poisson(double mean) => Math.Max(0, Math.Round(mean + (Math.Sqrt(mean) * Gaussian())));
}
