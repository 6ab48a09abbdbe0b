using System.Text;
using OtlpGrains.Agent.Protocols;
using Xunit;

namespace OtlpGrains.Agent.Tests;

/// <summary>One captured syscall of a hand-built conversation.</summary>
internal sealed record Segment(Direction Direction, long TimestampNs, byte[] Data);

/// <summary>A conversation built from protocol bytes, fed to a parser whole, split or cut like a capture would.</summary>
internal sealed class Session
{
    private readonly List<Segment> _segments = [];
    private long _clock = 1_000;

    public IReadOnlyList<Segment> Segments => _segments;

    public static byte[] Ascii(string text) => Encoding.ASCII.GetBytes(text);

    public Session Egress(string text) => Egress(Ascii(text));

    public Session Ingress(string text) => Ingress(Ascii(text));

    public Session Egress(byte[] data) => Add(Direction.Egress, data);

    public Session Ingress(byte[] data) => Add(Direction.Ingress, data);

    public Session Add(Direction direction, byte[] data)
    {
        _segments.Add(new Segment(direction, _clock, data));
        _clock += 1_000;
        return this;
    }

    /// <summary>Timestamp of the n-th segment (0-based).</summary>
    public static long At(int index) => 1_000 + (index * 1_000L);

    /// <param name="tailBytes">As the capture does for a cut syscall: also hand over its last bytes, at most this many.</param>
    public List<ProtocolExchange> Run(Func<Action<ProtocolExchange>, IProtocolParser> create, int captureLimit = int.MaxValue, int tailBytes = 0)
    {
        var exchanges = new List<ProtocolExchange>();
        var parser = create(exchanges.Add);
        foreach (var segment in _segments)
        {
            var captured = segment.Data.AsSpan(0, Math.Min(captureLimit, segment.Data.Length));
            var tail = segment.Data.AsSpan(segment.Data.Length - Math.Min(tailBytes, segment.Data.Length - captured.Length));
            parser.OnData(segment.Direction, segment.TimestampNs, captured, segment.Data.Length, tail);
            Assert.InRange(parser.BufferedBytes, 0, 2 * ParserLimits.MaxBufferedBytesPerDirection);
        }

        return exchanges;
    }

    public IProtocolParser Feed(IProtocolParser parser)
    {
        foreach (var segment in _segments)
        {
            parser.OnData(segment.Direction, segment.TimestampNs, segment.Data, segment.Data.Length);
        }

        return parser;
    }
}
