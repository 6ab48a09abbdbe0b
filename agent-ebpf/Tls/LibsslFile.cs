namespace OtlpGrains.Agent.Tls;

/// <summary>
/// One libssl file mapped by some process: the path inside that process's mount namespace, the file identity
/// (device as /proc/PID/maps prints it, and inode), and the path through which the agent can open it.
/// </summary>
internal readonly record struct LibsslFile(int Pid, string Path, string Device, long Inode, string OpenPath);
