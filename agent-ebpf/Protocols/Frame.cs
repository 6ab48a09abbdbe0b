namespace OtlpGrains.Agent.Protocols;

/// <summary>
/// A length-prefixed message's shape: its header, its body length, and how many body bytes the protocol wants to read
/// (the rest is skipped without buffering).
/// </summary>
internal readonly record struct Frame(int HeaderLength, long BodyLength, int PrefixLength);
