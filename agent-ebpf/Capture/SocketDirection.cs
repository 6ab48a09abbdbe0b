namespace OtlpGrains.Agent.Capture;

/// <summary>Which way the bytes moved, seen from the observed process (values match the BPF side).</summary>
public enum SocketDirection : byte
{
    /// <summary>The process wrote (write, writev, sendto, sendmsg).</summary>
    Egress = 0,

    /// <summary>The process read (read, readv, recvfrom, recvmsg).</summary>
    Ingress = 1,
}
