namespace OtlpGrains.Interfaces;

/// <summary>
/// A TCP connection as the server's socket sees it: (client address, client port, server address, server port), the
/// join key of the agent contract (<c>proto/otlpgrains/agent/README.md</c>). Addresses are in the agent's text form
/// (IPv4-mapped IPv6 unmapped); the strings come from the gateway's pool, so a connection seen again costs no new one.
/// </summary>
[GenerateSerializer, Immutable, Alias("otlpgrains.ConnectionKey")]
public readonly record struct ConnectionKey(
    [property: Id(0)] string ClientAddress,
    [property: Id(1)] int ClientPort,
    [property: Id(2)] string ServerAddress,
    [property: Id(3)] int ServerPort)
{
    /// <summary>
    /// A hash that every gateway computes alike (unlike <see cref="string.GetHashCode()"/>, which is seeded per
    /// process), so that both halves of a connection reach the same join shard whichever gateway took them.
    /// </summary>
    public uint StableHash()
    {
        uint hash = 2166136261;
        hash = Mix(hash, ClientAddress);
        hash = Mix(hash, ServerAddress);
        hash = (hash ^ (uint)ClientPort) * 16777619;
        return (hash ^ (uint)ServerPort) * 16777619;
    }

    public override string ToString() => $"{ClientAddress}:{ClientPort}->{ServerAddress}:{ServerPort}";

    // FNV-1a over the UTF-16 code units.
    private static uint Mix(uint hash, string text)
    {
        foreach (char c in text)
        {
            hash = (hash ^ c) * 16777619;
        }

        return (hash ^ 0xFF) * 16777619;
    }
}
