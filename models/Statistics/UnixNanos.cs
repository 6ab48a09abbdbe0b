namespace OtlpGrains.Models.Statistics;

/// <summary>Conversions between OTLP event times (unix nanoseconds) and <see cref="DateTimeOffset"/>.</summary>
public static class UnixNanos
{
    private const long NanosPerTick = 100;

    /// <summary>Every long of nanoseconds fits in the DateTimeOffset range (years 1677-2262), so no clamping.</summary>
    public static DateTimeOffset ToDateTimeOffset(long unixNano) =>
        DateTimeOffset.UnixEpoch.AddTicks(FloorDiv(unixNano, NanosPerTick));

    /// <summary>Clamps to the long range so that open-ended query bounds far in the past or future stay valid.</summary>
    public static long FromDateTimeOffset(DateTimeOffset time)
    {
        long ticks = time.UtcTicks - DateTimeOffset.UnixEpoch.UtcTicks;
        if (ticks > long.MaxValue / NanosPerTick)
        {
            return long.MaxValue;
        }

        return ticks < long.MinValue / NanosPerTick ? long.MinValue : ticks * NanosPerTick;
    }

    /// <summary>A query bound in nanoseconds; a missing bound is open, so <paramref name="open"/> stands for it.</summary>
    public static long FromOptional(DateTimeOffset? time, long open) => time is { } value ? FromDateTimeOffset(value) : open;

    /// <summary>Division rounding toward negative infinity, so that bucket numbers stay monotone across zero.</summary>
    public static long FloorDiv(long value, long divisor)
    {
        long quotient = value / divisor;
        return (value % divisor != 0) && ((value < 0) != (divisor < 0)) ? quotient - 1 : quotient;
    }
}
