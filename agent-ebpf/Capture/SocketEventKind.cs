namespace OtlpGrains.Agent.Capture;

/// <summary>What a <see cref="SocketEvent"/> reports (values match the BPF side).</summary>
public enum SocketEventKind : byte
{
    /// <summary>A read or write with its first bytes.</summary>
    Data = 0,

    /// <summary>The process connected this fd: it is the client of the connection.</summary>
    Connect = 1,

    /// <summary>The process accepted this fd: it is the server of the connection.</summary>
    Accept = 2,

    /// <summary>The process is closing this fd.</summary>
    Close = 3,
}
