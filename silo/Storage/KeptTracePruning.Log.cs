namespace OtlpGrains.Silo.Storage;

internal sealed partial class KeptTracePruning
{
    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not prune the kept traces, will retry in a minute: {Reason}")]
    private static partial void LogPruneFailed(ILogger logger, string reason);
}
