using OtlpGrains.Agent.Protocols;
using Xunit;

namespace OtlpGrains.Agent.Tests;

/// <summary>
/// Fuzzing shared by every protocol: valid sessions split at random places must give the same exchanges as unsplit;
/// random capture limits, bit flips and pure noise must never throw nor buffer more than the documented cap.
/// </summary>
internal static class SessionFuzzer
{
    private const int BufferCap = 2 * ParserLimits.MaxBufferedBytesPerDirection;

    public static void SplitsGiveSameExchanges(Func<Action<ProtocolExchange>, IProtocolParser> create, IReadOnlyList<Session> sessions, int cases, int seed)
    {
        var random = new Random(seed);
        var expected = sessions.Select(s => s.Run(create)).ToArray();
        Assert.All(expected, e => Assert.NotEmpty(e));
        for (var n = 0; n < cases; n++)
        {
            var index = random.Next(sessions.Count);
            var exchanges = new List<ProtocolExchange>();
            var parser = create(exchanges.Add);
            foreach (var segment in sessions[index].Segments)
            {
                var data = segment.Data;
                var offset = 0;
                while (offset < data.Length)
                {
                    // Mostly small pieces, sometimes single bytes, sometimes the rest.
                    var piece = random.Next(4) switch
                    {
                        0 => 1,
                        1 => data.Length - offset,
                        _ => random.Next(1, Math.Max(2, Math.Min(64, data.Length - offset + 1))),
                    };
                    piece = Math.Min(piece, data.Length - offset);
                    parser.OnData(segment.Direction, segment.TimestampNs, data.AsSpan(offset, piece), piece);
                    offset += piece;
                    Assert.InRange(parser.BufferedBytes, 0, BufferCap);
                }
            }

            Assert.Equal(expected[index], exchanges);
            Assert.Equal(0, parser.Resyncs);
        }
    }

    public static void TruncationsAreSurvived(Func<Action<ProtocolExchange>, IProtocolParser> create, IReadOnlyList<Session> sessions, int cases, int seed)
    {
        var random = new Random(seed);
        for (var n = 0; n < cases; n++)
        {
            var session = sessions[random.Next(sessions.Count)];
            var limit = random.Next(1, 200);
            var exchanges = new List<ProtocolExchange>();
            var parser = create(exchanges.Add);
            foreach (var segment in session.Segments)
            {
                var captured = segment.Data.AsSpan(0, Math.Min(limit, segment.Data.Length));
                parser.OnData(segment.Direction, segment.TimestampNs, captured, segment.Data.Length);
                Assert.InRange(parser.BufferedBytes, 0, BufferCap);
            }

            Assert.All(exchanges, e => Assert.True(e.RequestStartNs <= e.ResponseEndNs || e.ResponseEndNs == 0));
        }
    }

    public static void BitFlipsAreSurvived(Func<Action<ProtocolExchange>, IProtocolParser> create, IReadOnlyList<Session> sessions, int cases, int seed)
    {
        var random = new Random(seed);
        for (var n = 0; n < cases; n++)
        {
            var session = sessions[random.Next(sessions.Count)];
            var exchanges = new List<ProtocolExchange>();
            var parser = create(exchanges.Add);
            foreach (var segment in session.Segments)
            {
                var data = (byte[])segment.Data.Clone();
                var flips = random.Next(1, 4);
                for (var f = 0; f < flips && data.Length > 0; f++)
                {
                    data[random.Next(data.Length)] ^= (byte)(1 << random.Next(8));
                }

                // Sometimes also cut, sometimes claim a huge original length.
                var length = random.Next(3) == 0 ? random.Next(data.Length + 1) : data.Length;
                var original = random.Next(5) == 0 ? int.MaxValue : data.Length;
                parser.OnData(segment.Direction, segment.TimestampNs, data.AsSpan(0, length), original);
                Assert.InRange(parser.BufferedBytes, 0, BufferCap);
            }
        }
    }

    public static void NoiseIsSurvived(Func<Action<ProtocolExchange>, IProtocolParser> create, int cases, int seed, byte[][]? alphabet = null)
    {
        var random = new Random(seed);
        for (var n = 0; n < cases; n++)
        {
            var exchanges = new List<ProtocolExchange>();
            var parser = create(exchanges.Add);
            var chunks = random.Next(1, 12);
            for (var c = 0; c < chunks; c++)
            {
                byte[] data;
                if (alphabet is not null && random.Next(2) == 0)
                {
                    // Protocol-flavoured noise: random sequences of real tokens reach deeper states than bytes alone.
                    using var stream = new MemoryStream();
                    var tokens = random.Next(1, 40);
                    for (var t = 0; t < tokens; t++)
                    {
                        stream.Write(alphabet[random.Next(alphabet.Length)]);
                    }

                    data = stream.ToArray();
                }
                else
                {
                    data = new byte[random.Next(0, 2048)];
                    random.NextBytes(data);
                }

                var direction = random.Next(2) == 0 ? Direction.Egress : Direction.Ingress;
                var original = random.Next(4) == 0 ? data.Length + random.Next(0, 100_000) : data.Length;
                parser.OnData(direction, c, data, original);
                Assert.InRange(parser.BufferedBytes, 0, BufferCap);
            }
        }
    }

    /// <summary>Feeds far more than the cap of unterminated head bytes: the buffer must stay within its cap.</summary>
    public static void EndlessHeadStaysBounded(Func<Action<ProtocolExchange>, IProtocolParser> create, byte[] start, byte filler)
    {
        var parser = create(_ => { });
        var chunk = new byte[1024];
        Array.Fill(chunk, filler);
        parser.OnData(Direction.Egress, 1, start, start.Length);
        parser.OnData(Direction.Ingress, 1, start, start.Length);
        for (var i = 0; i < 200; i++)
        {
            parser.OnData(Direction.Egress, 2 + i, chunk, chunk.Length);
            parser.OnData(Direction.Ingress, 2 + i, chunk, chunk.Length);
            Assert.InRange(parser.BufferedBytes, 0, BufferCap);
        }
    }
}
