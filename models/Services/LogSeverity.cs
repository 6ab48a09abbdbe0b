namespace OtlpGrains.Models.Services;

/// <summary>The OTLP severity ranges (1-4 TRACE ... 21-24 FATAL) as indexes into <see cref="Names"/>.</summary>
internal static class LogSeverity
{
    public const int Unspecified = 0;

    /// <summary>Index order: UNSPECIFIED first, then the ranges in OTLP order.</summary>
    public static IReadOnlyList<string> Names { get; } = ["UNSPECIFIED", "TRACE", "DEBUG", "INFO", "WARN", "ERROR", "FATAL"];

    public static int IndexOf(byte severityNumber) =>
        severityNumber is >= 1 and <= 24 ? ((severityNumber - 1) / 4) + 1 : Unspecified;
}
