namespace OtlpGrains.Agent.Capture;

/// <summary>The outcome of <see cref="CaptureCheck.Run"/>: one line per capability, and why BPF does not work when it does not.</summary>
public sealed record CaptureCheckResult(bool Works, IReadOnlyList<string> Lines, string? Reason);
