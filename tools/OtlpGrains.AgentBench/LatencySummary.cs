using System.Diagnostics;
using System.Globalization;

namespace OtlpGrains.AgentBench;

/// <summary>Percentiles of a set of latencies (Stopwatch ticks), in microseconds.</summary>
internal readonly record struct LatencySummary(long Count, double P50Us, double P99Us, double P999Us, double MaxUs)
{
    public static LatencySummary Of(long[] ticks, int count)
    {
        if (count == 0)
        {
            return default;
        }

        Array.Sort(ticks, 0, count);
        double Us(double q) => ticks[Math.Min(count - 1, (int)Math.Ceiling(q * count) - 1)] * 1e6 / Stopwatch.Frequency;
        return new LatencySummary(count, Us(0.50), Us(0.99), Us(0.999), Us(1.0));
    }

    public string Format() => string.Create(CultureInfo.InvariantCulture, $"{Count};{P50Us:F1};{P99Us:F1};{P999Us:F1};{MaxUs:F1}");

    public static LatencySummary Parse(string text)
    {
        string[] parts = text.Split(';');
        return new LatencySummary(
            long.Parse(parts[0], CultureInfo.InvariantCulture),
            double.Parse(parts[1], CultureInfo.InvariantCulture),
            double.Parse(parts[2], CultureInfo.InvariantCulture),
            double.Parse(parts[3], CultureInfo.InvariantCulture),
            double.Parse(parts[4], CultureInfo.InvariantCulture));
    }
}
