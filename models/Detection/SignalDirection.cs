using OtlpGrains.Interfaces;

namespace OtlpGrains.Models.Detection;

/// <summary>Which departures of a signal count as anomalous.</summary>
public enum SignalDirection
{
    /// <summary>Rises and falls alike: request rate (a spike or a drop in traffic), a NAB series, a metric series.</summary>
    Both,

    /// <summary>Only rises: an error ratio or a latency that falls is good news, not an incident.</summary>
    Up,
}

/// <summary>The direction of each signal of a schema.</summary>
public static class SignalDirections
{
    /// <summary>
    /// In <see cref="FeatureSchema.Red"/> the error ratio and the latency percentiles are judged upwards only and the
    /// rate both ways; every signal of any other schema, and every value past a schema's named signals, both ways.
    /// </summary>
    public static SignalDirection Of(FeatureSchema schema, int signal)
    {
        ArgumentNullException.ThrowIfNull(schema);
        bool red = schema.Name == FeatureSchema.Red.Name;
        return red && signal >= 1 && signal < schema.Signals.Length ? SignalDirection.Up : SignalDirection.Both;
    }
}
