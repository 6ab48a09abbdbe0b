namespace OtlpGrains.Models.Evaluation.Loghub;

/// <summary>A Loghub file that cannot be read as the benchmark lays it out; the message is one line naming the file.</summary>
public sealed class LoghubFormatException : Exception
{
    public LoghubFormatException(string message)
        : base(message)
    {
    }

    public LoghubFormatException()
    {
    }

    public LoghubFormatException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
