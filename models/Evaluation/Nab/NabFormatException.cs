namespace OtlpGrains.Models.Evaluation.Nab;

/// <summary>A benchmark file that cannot be read; the message is one line naming the file and what is wrong.</summary>
public sealed class NabFormatException : Exception
{
    public NabFormatException()
    {
    }

    public NabFormatException(string message)
        : base(message)
    {
    }

    public NabFormatException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
