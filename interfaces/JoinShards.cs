namespace OtlpGrains.Interfaces;

/// <summary>
/// Halves of requests wait for their other half in a fixed number of join shard grains, picked by a stable hash of the
/// connection key: a request's halves cost one call per shard per export request, and every gateway picks the same
/// shard for a connection, so the count is a constant, not a setting.
/// </summary>
public static class JoinShards
{
    /// <summary>As many as the trace shards: the halves are a share of the same spans.</summary>
    public const int Count = 32;

    public static int Of(ConnectionKey key) => (int)(key.StableHash() % Count);
}
