namespace OtlpGrains.LoadTool;

/// <summary>
/// One export request of any signal, encoded once and stamped per send (<see cref="PlaceholderStamp"/>): what the
/// sender, the statistics and the exactly-once check need to know of it.
/// </summary>
internal abstract class RequestTemplate(byte[] encoded, int itemCount, long[] expectedPerService, PlaceholderStamp stamp)
{
    /// <summary>The encoded request with placeholder ids and times.</summary>
    public byte[] Encoded { get; } = encoded;

    /// <summary>Items (spans, log records) in the request.</summary>
    public int ItemCount { get; } = itemCount;

    /// <summary>What the cluster must count per service index once the request is acknowledged in full.</summary>
    public long[] ExpectedPerService { get; } = expectedPerService;

    /// <summary>
    /// Writes the request into <paramref name="destination"/> (at least <see cref="Encoded"/> long) with fresh random
    /// trace ids and event times whose latest is <paramref name="nowUnixNano"/>.
    /// </summary>
    public void Stamp(Span<byte> destination, Random random, ulong nowUnixNano) => stamp.Stamp(Encoded, destination, random, nowUnixNano);
}
