using System.Net;

namespace OtlpGrains.Agent.Conntrack;

/// <summary>
/// A connection as the node's connection tracking knows it: the original tuple (as the first packet left its sender)
/// and the reply tuple (as the answer is expected to come back). Without translation the reply is the original's mirror.
/// </summary>
public sealed record ConntrackEntry(IPEndPoint OriginalSource, IPEndPoint OriginalDestination, IPEndPoint ReplySource, IPEndPoint ReplyDestination)
{
    /// <summary>The reply tuple is not the mirror of the original: DNAT (a Service's virtual IP), SNAT or both.</summary>
    public bool IsTranslated => !ReplySource.Equals(OriginalDestination) || !ReplyDestination.Equals(OriginalSource);
}
