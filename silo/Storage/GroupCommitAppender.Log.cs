using Microsoft.Extensions.Logging;

namespace OtlpGrains.Silo.Storage;

internal sealed partial class GroupCommitAppender
{
    [LoggerMessage(Level = LogLevel.Warning, Message = "Batch log: a flush of {Count} appends failed, each fails back to its service grain: {Reason}")]
    private static partial void LogFlushFailed(ILogger logger, int count, string reason);
}
