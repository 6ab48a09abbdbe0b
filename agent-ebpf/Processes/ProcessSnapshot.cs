namespace OtlpGrains.Agent.Processes;

/// <summary>The processes an agent follows, copied off the pipeline's thread; <paramref name="Version"/> counts processes added.</summary>
public sealed record ProcessSnapshot(IReadOnlyList<(ProcessIdentity Identity, long? StartTicks)> Processes, long Version);
