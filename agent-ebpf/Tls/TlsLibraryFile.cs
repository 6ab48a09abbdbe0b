namespace OtlpGrains.Agent.Tls;

/// <summary>
/// One TLS library file (or Go executable) mapped by some process: the path inside that process's mount namespace,
/// the file identity (device as /proc/PID/maps prints it, and inode), the path through which the agent can open it,
/// and which implementation it holds.
/// </summary>
internal readonly record struct TlsLibraryFile(int Pid, string Path, string Device, long Inode, string OpenPath, TlsLibraryKind Kind);
