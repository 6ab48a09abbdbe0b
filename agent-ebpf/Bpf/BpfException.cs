using System.Runtime.InteropServices;

namespace OtlpGrains.Agent.Bpf;

/// <summary>A libbpf or kernel refusal, with the errno when there is one and libbpf's own explanation.</summary>
public sealed class BpfException : Exception
{
    public BpfException()
    {
    }

    public BpfException(string message)
        : base(message)
    {
    }

    public BpfException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public BpfException(string message, int errno, string? detail)
        : base(Describe(message, errno, detail))
    {
        Errno = errno;
    }

    /// <summary>The positive errno, or 0 when the failure did not come with one.</summary>
    public int Errno { get; }

    private static string Describe(string message, int errno, string? detail)
    {
        string text = errno != 0 ? $"{message}: {Marshal.GetPInvokeErrorMessage(errno)} (errno {errno})" : message;
        return detail is null ? text : $"{text}; {detail}";
    }
}
