using OtlpGrains.Agent.Protocols;

namespace OtlpGrains.Fuzz;

/// <summary>
/// The agent's protocol parsers, fed captured chunks as the connection tracker feeds them. The parsers document that
/// they never throw on hostile input, so every exception is a finding, and so is a parser holding more than its
/// documented buffer cap.
/// </summary>
public static class ProtocolTargets
{
    /// <summary>Exchanges the parsers completed in this process, so that the seed writer can show that seeds parse.</summary>
    public static long Exchanges { get; private set; }

    public static IEnumerable<FuzzTarget> All()
    {
        yield return Parser("http1", ProtocolKind.Http1, ProtocolSeeds.Http1, FuzzDictionary.Http1);
        yield return Parser("http2", ProtocolKind.Http2, ProtocolSeeds.Http2);
        yield return Parser("resp", ProtocolKind.Redis, ProtocolSeeds.Resp, FuzzDictionary.Resp);
        yield return Parser("postgres", ProtocolKind.Postgres, ProtocolSeeds.Postgres, FuzzDictionary.Sql);
        yield return Parser("mysql", ProtocolKind.MySql, ProtocolSeeds.MySql, FuzzDictionary.Sql);
        yield return Parser("kafka", ProtocolKind.Kafka, ProtocolSeeds.Kafka);
        yield return new FuzzTarget(
            "sniffed",
            "ProtocolSniffer.Detect on the first chunks each way, then the parser it picks",
            Sniffed,
            () => [.. ProtocolSeeds.All().Select(seed => seed[1..])],
            [.. FuzzDictionary.Http1, .. FuzzDictionary.Resp, .. FuzzDictionary.Sql]);
    }

    // The first input byte picks the observed process's side: bit 0 set makes it the server (requests are ingress).
    private static FuzzTarget Parser(string name, ProtocolKind kind, Func<IReadOnlyList<byte[]>> seeds, IReadOnlyList<string>? dictionary = null) => new(
        name,
        $"ProtocolParsers.Create({kind}) fed captured chunks",
        input =>
        {
            // Even an empty input creates the parser (FuzzTarget says why).
            var requests = !input.IsEmpty && (input[0] & 1) != 0 ? Direction.Ingress : Direction.Egress;
            var parser = ProtocolParsers.Create(kind, requests, CheckExchange);
            var script = input.IsEmpty ? input : input[1..];
            long timestampNs = 1_000_000;
            while (CaptureScript.TryNext(ref script, out var chunk))
            {
                timestampNs += 1_000;
                parser.OnData(chunk.Direction, timestampNs, chunk.Data, chunk.OriginalLength, chunk.Tail);
                CheckBounds(parser);
            }
        },
        seeds,
        dictionary);

    // As ConnectionTracker: chunks wait until the first bytes each way name a protocol, then replay into its parser.
    private static void Sniffed(ReadOnlySpan<byte> input)
    {
        const int SniffChunks = 8;
        byte[]? firstEgress = null;
        byte[]? firstIngress = null;
        var pending = new List<(Direction Direction, byte[] Data, int OriginalLength, byte[] Tail)>();
        IProtocolParser? parser = null;
        if (input.IsEmpty)
        {
            ProtocolSniffer.Detect([], []); // reach the decoder even with no bytes (FuzzTarget says why)
            return;
        }

        long timestampNs = 1_000_000;
        while (CaptureScript.TryNext(ref input, out var chunk))
        {
            timestampNs += 1_000;
            if (parser is not null)
            {
                parser.OnData(chunk.Direction, timestampNs, chunk.Data, chunk.OriginalLength, chunk.Tail);
                CheckBounds(parser);
                continue;
            }

            var data = chunk.Data.ToArray();
            pending.Add((chunk.Direction, data, chunk.OriginalLength, chunk.Tail.ToArray()));
            if (chunk.Direction == Direction.Egress)
            {
                firstEgress ??= data;
            }
            else
            {
                firstIngress ??= data;
            }

            var sniff = ProtocolSniffer.Detect(firstEgress ?? [], firstIngress ?? []);
            if (sniff.Found)
            {
                parser = ProtocolParsers.Create(sniff, CheckExchange);
                foreach (var (direction, bytes, originalLength, tail) in pending)
                {
                    parser.OnData(direction, timestampNs, bytes, originalLength, tail);
                    CheckBounds(parser);
                }
            }
            else if (pending.Count >= SniffChunks)
            {
                return;
            }
        }
    }

    private static void CheckBounds(IProtocolParser parser)
    {
        if (parser.BufferedBytes < 0 || parser.BufferedBytes > 2 * ParserLimits.MaxBufferedBytesPerDirection)
        {
            throw new InvalidOperationException($"{parser.Kind} parser holds {parser.BufferedBytes} bytes, past its documented cap");
        }
    }

    private static void CheckExchange(ProtocolExchange exchange)
    {
        Exchanges++;
        if (exchange.ResponseEndNs < exchange.RequestStartNs && exchange.ResponseEndNs != 0)
        {
            throw new InvalidOperationException($"{exchange.Kind} exchange ends ({exchange.ResponseEndNs}) before it starts ({exchange.RequestStartNs})");
        }
    }
}
