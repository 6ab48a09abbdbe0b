namespace OtlpGrains.Models.Services;

/// <summary>A service's log records in one window of event time, counted by severity.</summary>
[GenerateSerializer, Alias("otlpgrains.LogWindow")]
internal sealed class LogWindow
{
    /// <summary>Indexed as <see cref="LogSeverity.Names"/>.</summary>
    [Id(0)]
    public readonly long[] BySeverity = new long[LogSeverity.Names.Count];
}
