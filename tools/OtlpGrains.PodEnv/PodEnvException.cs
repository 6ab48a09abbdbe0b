namespace OtlpGrains.PodEnv;

/// <summary>A rendered pod whose environment cannot be resolved; the message is the one line the operator reads.</summary>
public sealed class PodEnvException(string message) : Exception(message);
