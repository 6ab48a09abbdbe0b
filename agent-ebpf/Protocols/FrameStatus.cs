namespace OtlpGrains.Agent.Protocols;

/// <summary>What a length-prefixed protocol can say about the bytes at a message boundary.</summary>
internal enum FrameStatus
{
    NeedMore,
    Invalid,
    Complete,
}
