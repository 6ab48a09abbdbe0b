namespace OtlpGrains.LoadTool;

/// <summary>
/// One export request of any signal, encoded once and stamped per send: what the sender, the statistics and the
/// exactly-once check need to know of it.
/// </summary>
internal interface IRequestTemplate
{
    /// <summary>The encoded request with placeholder ids and times.</summary>
    byte[] Encoded { get; }

    /// <summary>Items (spans, log records) in the request.</summary>
    int ItemCount { get; }

    /// <summary>What the cluster must count per service index once the request is acknowledged in full.</summary>
    long[] ExpectedPerService { get; }

    /// <summary>
    /// Writes the request into <paramref name="destination"/> (at least <see cref="Encoded"/> long) with fresh random
    /// trace ids and event times that end at <paramref name="nowUnixNano"/>.
    /// </summary>
    void Stamp(Span<byte> destination, Random random, ulong nowUnixNano);
}
