namespace OtlpGrains.Agent.Tls;

/// <summary>
/// A process's virtual size when its maps were last read, when that was and when they were first read (ms, on
/// <see cref="Environment.TickCount64"/>).
/// </summary>
public readonly record struct MapsRead(long Size, long AtMs, long FirstAtMs);
