namespace OtlpGrains.Hosting;

/// <summary>A start-up failure the operator must fix, with a one-line message naming it (see <see cref="HostRunner"/>).</summary>
public sealed class StartupException : Exception
{
    public StartupException()
    {
    }

    public StartupException(string message)
        : base(message)
    {
    }

    public StartupException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
