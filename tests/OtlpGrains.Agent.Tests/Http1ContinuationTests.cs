using OtlpGrains.Agent.Protocols;
using Xunit;

namespace OtlpGrains.Agent.Tests;

/// <summary>
/// The HTTP/1 parser on what the kernel's continuation sniff sends: after a call the capture cut, a call that starts
/// neither an HTTP start line nor a chunk-size line arrives header-only (no bytes, its length kept).
/// </summary>
public sealed class Http1ContinuationTests
{
    private const int Capture = 512;

    [Fact]
    public void ContentLengthDownloadWithHeaderOnlyReadsEndsAtItsLastByte()
    {
        var exchanges = new List<ProtocolExchange>();
        var parser = ProtocolParsers.Create(ProtocolKind.Http1, Direction.Egress, exchanges.Add);
        Whole(parser, Direction.Egress, 1, "GET /big HTTP/1.1\r\n\r\n");
        var head = Session.Ascii("HTTP/1.1 200 OK\r\nContent-Length: 100000\r\n\r\n");
        parser.OnData(Direction.Ingress, 2, head, head.Length);
        parser.OnData(Direction.Ingress, 3, Body(Capture), 16_384); // cut by the capture
        for (var t = 4; t <= 9; t++)
        {
            parser.OnData(Direction.Ingress, t, [], 13_936); // 6 x 13,936 = the 83,616 left
        }

        Assert.Single(exchanges);
        Whole(parser, Direction.Egress, 10, "GET /next HTTP/1.1\r\n\r\n");
        Whole(parser, Direction.Ingress, 11, "HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n");

        Assert.Equal(["/big 200 2 9 False", "/next 404 11 11 False"], exchanges.Select(e => $"{e.Path} {e.StatusCode} {e.ResponseStartNs} {e.ResponseEndNs} {e.Truncated}"));
        Assert.Equal(0, parser.Resyncs);
    }

    [Fact]
    public void UploadWithHeaderOnlyBodyReadsPairsWithItsResponse()
    {
        var exchanges = new List<ProtocolExchange>();
        var parser = ProtocolParsers.Create(ProtocolKind.Http1, Direction.Ingress, exchanges.Add);
        var start = Session.Ascii("POST /upload HTTP/1.1\r\nContent-Length: 65536\r\n\r\n");
        var first = new byte[Capture];
        start.CopyTo(first, 0);
        parser.OnData(Direction.Ingress, 1, first, 16_384 + start.Length);
        parser.OnData(Direction.Ingress, 2, [], 32_768);
        parser.OnData(Direction.Ingress, 3, [], 16_384);
        Assert.Empty(exchanges);
        Whole(parser, Direction.Egress, 4, "HTTP/1.1 201 Created\r\nContent-Length: 0\r\n\r\n");
        Whole(parser, Direction.Ingress, 5, "GET /after HTTP/1.1\r\n\r\n");
        Whole(parser, Direction.Egress, 6, "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok");

        Assert.Equal(["POST /upload 1 3 201 False", "GET /after 5 5 200 False"], exchanges.Select(e => $"{e.Method} {e.Path} {e.RequestStartNs} {e.RequestEndNs} {e.StatusCode} {e.Truncated}"));
        Assert.Equal(0, parser.Resyncs);
    }

    [Fact]
    public void ChunkedResponseWrittenChunkByChunkStaysInSync()
    {
        // A server that writes each chunk with its size line: those writes are always captured (the sniff lets
        // chunk-size lines through); only the second half of a chunk split over two writes comes header-only.
        var exchanges = new List<ProtocolExchange>();
        var parser = ProtocolParsers.Create(ProtocolKind.Http1, Direction.Ingress, exchanges.Add);
        Whole(parser, Direction.Ingress, 1, "GET /stream HTTP/1.1\r\n\r\n");
        var head = Session.Ascii("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n");
        parser.OnData(Direction.Egress, 2, head, head.Length);
        var chunk = Captured("2000\r\n");
        parser.OnData(Direction.Egress, 3, chunk, 6 + 0x2000 + 2);
        parser.OnData(Direction.Egress, 4, chunk, 6 + 0x2000 + 2);
        parser.OnData(Direction.Egress, 5, Captured("4e20\r\n"), 6 + 10_000);
        parser.OnData(Direction.Egress, 6, [], 10_000 + 2); // the rest of the 0x4e20 chunk and its CRLF
        Assert.Empty(exchanges);
        Whole(parser, Direction.Egress, 7, "0\r\n\r\n");
        Whole(parser, Direction.Ingress, 8, "GET /after HTTP/1.1\r\n\r\n");
        Whole(parser, Direction.Egress, 9, "HTTP/1.1 204 No Content\r\n\r\n");

        Assert.Equal(["/stream 200 7 False", "/after 204 9 False"], exchanges.Select(e => $"{e.Path} {e.StatusCode} {e.ResponseEndNs} {e.Truncated}"));
        Assert.Equal(0, parser.Resyncs);
    }

    [Fact]
    public void HeaderOnlyReadThatHidesAChunkBoundaryEndsTheResponseAndTheNextExchangeStillPairs()
    {
        // Reads that straddle chunks: the size line of the next chunk sits inside a header-only read, so the parser
        // cannot follow the framing. The response ends there (marked truncated) and the next exchange pairs.
        var exchanges = new List<ProtocolExchange>();
        var parser = ProtocolParsers.Create(ProtocolKind.Http1, Direction.Egress, exchanges.Add);
        Whole(parser, Direction.Egress, 1, "GET /stream HTTP/1.1\r\n\r\n");
        var head = Session.Ascii("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n1000\r\n");
        var first = new byte[Capture];
        head.CopyTo(first, 0);
        parser.OnData(Direction.Ingress, 2, first, head.Length + 3_000);
        parser.OnData(Direction.Ingress, 3, [], 3_000); // 0x1000 - 3000 = 1096 bytes of data, CRLF, "1000\r\n", ...
        parser.OnData(Direction.Ingress, 4, [], 1_000);
        Whole(parser, Direction.Egress, 5, "GET /after HTTP/1.1\r\n\r\n");
        Whole(parser, Direction.Ingress, 6, "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n");

        Assert.Equal(["/stream 200 3 True", "/after 200 6 False"], exchanges.Select(e => $"{e.Path} {e.StatusCode} {e.ResponseEndNs} {e.Truncated}"));
    }

    private static void Whole(IProtocolParser parser, Direction direction, long timestampNs, string text)
    {
        var bytes = Session.Ascii(text);
        parser.OnData(direction, timestampNs, bytes, bytes.Length);
    }

    private static byte[] Body(int length) => Enumerable.Repeat((byte)'x', length).ToArray();

    // The first Capture bytes of a write that starts with `prefix` and continues with body bytes.
    private static byte[] Captured(string prefix)
    {
        var bytes = Body(Capture);
        Session.Ascii(prefix).CopyTo(bytes, 0);
        return bytes;
    }
}
