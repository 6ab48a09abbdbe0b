namespace OtlpGrains.Grains.Services;

/// <summary>
/// A newer activation of the service fenced its batch log: this activation may neither append nor replay. It crosses
/// grain calls (the gateway answers it as any refusal: retry).
/// </summary>
[GenerateSerializer, Alias("otlpgrains.LogFencedException")]
public sealed class LogFencedException : Exception
{
    public LogFencedException()
    {
    }

    public LogFencedException(string message)
        : base(message)
    {
    }

    public LogFencedException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public static LogFencedException Of(string service, long epoch, long current) =>
        new($"the batch log of {service} was fenced by a newer activation (epoch {current}, this one's {epoch}); retry the request");
}
