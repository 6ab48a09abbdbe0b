namespace OtlpGrains.Interfaces;

/// <summary>
/// The unmatched halves of requests on the connections whose keys fall in one shard (<see cref="JoinShards"/>), keyed
/// by shard number. A client half and a server half of one request meet here; the pair moves the server's trace under
/// the client span (<see cref="ITraceShardGrain.MoveTracesAsync"/>). Halves that never meet expire.
/// </summary>
[Alias("otlpgrains.IJoinShardGrain")]
public interface IJoinShardGrain : IGrainWithIntegerKey
{
    /// <summary>Takes the halves of this shard's connections that arrived in one OTLP request.</summary>
    [Alias("AddHalves")]
    ValueTask AddHalvesAsync(JoinHalf[] halves);
}
