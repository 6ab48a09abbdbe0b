using OpenTelemetry.Proto.Logs.V1;

namespace OtlpGrains.LoadTool;

/// <summary>
/// One kind of log line a service writes: its severity, how often it comes (per mille of records), the function
/// that writes it, and its text with the variable parts drawn from a random source.
/// </summary>
internal sealed record LogMessageShape(SeverityNumber Severity, int PerMille, string Function, Func<Random, string> Render)
{
    public string SeverityText => Severity switch
    {
        >= SeverityNumber.Error => "ERROR",
        >= SeverityNumber.Warn => "WARN",
        >= SeverityNumber.Info => "INFO",
        _ => "DEBUG",
    };
}
