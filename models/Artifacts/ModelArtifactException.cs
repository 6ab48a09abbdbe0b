namespace OtlpGrains.Models.Artifacts;

/// <summary>An artifact that cannot be loaded; the message is one line, fit for an HTTP 400 body.</summary>
public sealed class ModelArtifactException : Exception
{
    public ModelArtifactException()
    {
    }

    public ModelArtifactException(string message)
        : base(message)
    {
    }

    public ModelArtifactException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
