using OtlpGrains.Interfaces;

namespace OtlpGrains.Grains.Federation;

/// <summary>What one call to a peer gave: its value when it answered, otherwise its status and a one-line detail.</summary>
internal sealed record PeerReply<T>(T? Value, ClusterStatus Status, string? Detail)
    where T : class
{
    public static PeerReply<T> Answered(T value) => new(value, ClusterStatus.Ok, null);
}
