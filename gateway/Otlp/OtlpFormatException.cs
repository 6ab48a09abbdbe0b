namespace OtlpGrains.Gateway.Otlp;

/// <summary>
/// An OTLP body that cannot be decoded. <see cref="Exception.Message"/> is one line meant for the client
/// (it becomes the 400 response text), so it never carries a stack trace or an inner exception's dump.
/// </summary>
internal sealed class OtlpFormatException : Exception
{
    public OtlpFormatException()
    {
    }

    public OtlpFormatException(string message)
        : base(message)
    {
    }

    public OtlpFormatException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
