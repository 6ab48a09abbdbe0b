namespace OtlpGrains.Models.Services;

/// <summary>Where a signal's retained windows begin: stored windows that start before are out of retention.</summary>
/// <param name="Signal">The signal.</param>
/// <param name="FromUnixNano">Start of the oldest retained window, unix nanoseconds.</param>
public readonly record struct WindowRetention(WindowedSignal Signal, long FromUnixNano);
