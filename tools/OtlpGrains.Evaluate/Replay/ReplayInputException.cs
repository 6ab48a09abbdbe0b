namespace OtlpGrains.Evaluate.Replay;

/// <summary>Replay input that cannot be read: a missing folder, a malformed file; the message is one line.</summary>
internal sealed class ReplayInputException(string message) : Exception(message);
