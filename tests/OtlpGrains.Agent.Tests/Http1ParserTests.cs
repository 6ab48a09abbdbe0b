using System.Text;
using OtlpGrains.Agent.Protocols;
using Xunit;

namespace OtlpGrains.Agent.Tests;

public sealed class Http1ParserTests
{
    private static readonly Func<Action<ProtocolExchange>, IProtocolParser> Client =
        sink => ProtocolParsers.Create(ProtocolKind.Http1, Direction.Egress, sink);

    private static readonly Func<Action<ProtocolExchange>, IProtocolParser> Server =
        sink => ProtocolParsers.Create(ProtocolKind.Http1, Direction.Ingress, sink);

    internal static Session KeepAlive() => new Session()
        .Egress("GET /api/users?id=7 HTTP/1.1\r\nHost: a\r\ntraceparent: 00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01\r\n\r\n")
        .Ingress("HTTP/1.1 200 OK\r\nContent-Length: 5\r\nContent-Type: text/plain\r\n\r\nhello")
        .Egress("POST /api/orders HTTP/1.1\r\nHost: a\r\nContent-Length: 11\r\n\r\n{\"qty\": 12}")
        .Ingress("HTTP/1.1 503 Service Unavailable\r\ncontent-length: 0\r\n\r\n");

    internal static Session Pipelined() => new Session()
        .Egress("GET /a HTTP/1.1\r\nHost: x\r\n\r\nHEAD /b HTTP/1.1\r\nHost: x\r\n\r\nDELETE /c HTTP/1.1\r\nHost: x\r\n\r\n")
        .Ingress("HTTP/1.1 200 OK\r\nContent-Length: 3\r\n\r\nabcHTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\nHTTP/1.1 204 No Content\r\n\r\n");

    internal static Session Chunked() => new Session()
        .Egress("PUT /upload HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n4\r\nWiki\r\n5;ext=1\r\npedia\r\n0\r\n\r\n")
        .Ingress("HTTP/1.1 100 Continue\r\n\r\n")
        .Ingress("HTTP/1.1 201 Created\r\nTransfer-Encoding: gzip, chunked\r\n\r\n1a\r\nabcdefghijklmnopqrstuvwxyz\r\n10\r\n0123456789abcdef\r\n0\r\nX-Checksum: 1\r\n\r\n")
        .Egress("GET /next HTTP/1.1\r\n\r\n")
        .Ingress("HTTP/1.1 304 Not Modified\r\nContent-Length: 99\r\n\r\n");

    internal static IReadOnlyList<Session> All => [KeepAlive(), Pipelined(), Chunked()];

    [Fact]
    public void KeepAliveRequestsPairWithTheirResponses()
    {
        var exchanges = KeepAlive().Run(Client);

        Assert.Equal(2, exchanges.Count);
        var get = exchanges[0];
        Assert.Equal(ProtocolKind.Http1, get.Kind);
        Assert.Equal(ConnectionRole.Client, get.Role);
        Assert.Equal("GET", get.Method);
        Assert.Equal("/api/users", get.Path);
        Assert.Equal(200, get.StatusCode);
        Assert.False(get.IsError);
        Assert.Equal("00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01", get.TraceParent);
        Assert.Equal((Session.At(0), Session.At(0), Session.At(1), Session.At(1)), (get.RequestStartNs, get.RequestEndNs, get.ResponseStartNs, get.ResponseEndNs));
        var post = exchanges[1];
        Assert.Equal(("POST", "/api/orders", 503, true), (post.Method, post.Path, post.StatusCode, post.IsError));
        Assert.Null(post.TraceParent);
        Assert.Equal(Session.At(2), post.RequestStartNs);
        Assert.Equal(Session.At(3), post.ResponseEndNs);
    }

    [Fact]
    public void PipelinedRequestsPairFirstInFirstOutAndHeadHasNoBody()
    {
        var exchanges = Pipelined().Run(Client);

        Assert.Equal(["GET /a 200", "HEAD /b 200", "DELETE /c 204"], exchanges.Select(e => $"{e.Method} {e.Path} {e.StatusCode}"));
        Assert.All(exchanges, e => Assert.False(e.Truncated));
    }

    [Fact]
    public void ChunkedBodiesInterimResponsesAndNotModified()
    {
        var exchanges = Chunked().Run(Client);

        Assert.Equal(2, exchanges.Count);
        Assert.Equal(("PUT", "/upload", 201), (exchanges[0].Method, exchanges[0].Path, exchanges[0].StatusCode));
        Assert.Equal(Session.At(2), exchanges[0].ResponseStartNs);
        Assert.Equal(Session.At(2), exchanges[0].ResponseEndNs);
        Assert.Equal(("GET", "/next", 304), (exchanges[1].Method, exchanges[1].Path, exchanges[1].StatusCode));
    }

    [Fact]
    public void ChunkedBodySplitAtEveryByteGivesTheSameExchange()
    {
        var whole = Chunked().Run(Client);
        var exchanges = new List<ProtocolExchange>();
        var parser = Client(exchanges.Add);
        foreach (var segment in Chunked().Segments)
        {
            for (var i = 0; i < segment.Data.Length; i++)
            {
                parser.OnData(segment.Direction, segment.TimestampNs, segment.Data.AsSpan(i, 1), 1);
            }
        }

        Assert.Equal(whole, exchanges);
    }

    [Fact]
    public void ResponseStartIsTheChunkWithItsFirstByte()
    {
        var exchanges = new List<ProtocolExchange>();
        var parser = Client(exchanges.Add);
        parser.OnData(Direction.Egress, 10, "GET / HTTP/1.1\r\n\r\n"u8, 18);
        parser.OnData(Direction.Ingress, 20, "HTTP/1.1 200 OK\r\n"u8, 17);
        parser.OnData(Direction.Ingress, 30, "Content-Length: 4\r\n\r\nab"u8, 23);
        parser.OnData(Direction.Ingress, 40, "cd"u8, 2);

        var exchange = Assert.Single(exchanges);
        Assert.Equal((10L, 10L, 20L, 40L), (exchange.RequestStartNs, exchange.RequestEndNs, exchange.ResponseStartNs, exchange.ResponseEndNs));
    }

    [Fact]
    public void BodyLongerThanTheCaptureIsSkippedByContentLength()
    {
        var body = new string('x', 5000);
        var request = Session.Ascii($"POST /big HTTP/1.1\r\nContent-Length: 5000\r\n\r\n{body}");
        var response = Session.Ascii($"HTTP/1.1 200 OK\r\nContent-Length: 5000\r\n\r\n{body}");
        var session = new Session().Egress(request).Ingress(response)
            .Egress("GET /small HTTP/1.1\r\n\r\n").Ingress("HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n");

        var parser = ProtocolParsers.Create(ProtocolKind.Http1, Direction.Egress, _ => { });
        var exchanges = session.Run(Client, captureLimit: 1024);

        Assert.Equal(["POST /big 200", "GET /small 404"], exchanges.Select(e => $"{e.Method} {e.Path} {e.StatusCode}"));
        Assert.True(exchanges[1].IsError);
        Assert.Equal(0, session.Feed(parser).Resyncs);
    }

    [Fact]
    public void BodySpreadOverManyTruncatedWritesStaysInSync()
    {
        var exchanges = new List<ProtocolExchange>();
        var parser = Client(exchanges.Add);
        parser.OnData(Direction.Egress, 1, "GET /file HTTP/1.1\r\n\r\n"u8, 20);
        var head = "HTTP/1.1 200 OK\r\nContent-Length: 100000\r\n\r\n"u8;
        var chunk = new byte[1024];
        head.CopyTo(chunk);
        parser.OnData(Direction.Ingress, 2, chunk, 40_000 + head.Length);
        parser.OnData(Direction.Ingress, 3, chunk, 59_000);
        Assert.Empty(exchanges);
        parser.OnData(Direction.Ingress, 4, chunk.AsSpan(0, 1_000), 1_000);
        parser.OnData(Direction.Egress, 5, "GET /again HTTP/1.1\r\n\r\n"u8, 21);
        parser.OnData(Direction.Ingress, 6, "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n"u8, 38);

        Assert.Equal(["/file 4", "/again 6"], exchanges.Select(e => $"{e.Path} {e.ResponseEndNs}"));
        Assert.Equal(0, parser.Resyncs);
        Assert.All(exchanges, e => Assert.False(e.Truncated));
    }

    [Fact]
    public void TruncatedChunkedResponseEndsWithItsSyscallAndTheNextOneResynchronises()
    {
        var exchanges = new List<ProtocolExchange>();
        var parser = Client(exchanges.Add);
        parser.OnData(Direction.Egress, 1, "GET /stream HTTP/1.1\r\n\r\n"u8, 22);
        var response = Session.Ascii("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2000\r\n" + new string('y', 200));
        parser.OnData(Direction.Ingress, 2, response, response.Length + 9000);
        parser.OnData(Direction.Ingress, 3, Session.Ascii(new string('z', 300)), 300);
        parser.OnData(Direction.Egress, 4, "GET /after HTTP/1.1\r\n\r\n"u8, 21);
        parser.OnData(Direction.Ingress, 5, "HTTP/1.1 201 Created\r\nContent-Length: 0\r\n\r\n"u8, 43);

        Assert.Equal(["/stream 200 2 True", "/after 201 5 False"], exchanges.Select(e => $"{e.Path} {e.StatusCode} {e.ResponseEndNs} {e.Truncated}"));
        Assert.Equal(1, parser.Resyncs);
    }

    [Fact]
    public void HeadLongerThanTheCaptureKeepsMethodPathAndTraceparent()
    {
        var cookie = new string('c', 3000);
        var request = Session.Ascii($"GET /profile?x=1 HTTP/1.1\r\nTRACEPARENT: 00-aa-bb-01\r\nCookie: {cookie}\r\n\r\n");
        var session = new Session().Ingress(request).Egress("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok");

        var exchanges = session.Run(Server, captureLimit: 1024);

        var exchange = Assert.Single(exchanges);
        Assert.Equal(ConnectionRole.Server, exchange.Role);
        Assert.Equal(("GET", "/profile", "00-aa-bb-01", 200), (exchange.Method, exchange.Path, exchange.TraceParent, exchange.StatusCode));
        Assert.True(exchange.Truncated);
    }

    [Fact]
    public void ServerSideCountsOnly5xxAsErrors()
    {
        var session = new Session()
            .Ingress("GET /missing HTTP/1.1\r\n\r\n").Egress("HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n")
            .Ingress("GET /broken HTTP/1.1\r\n\r\n").Egress("HTTP/1.1 500 Oops\r\nContent-Length: 0\r\n\r\n");

        var exchanges = session.Run(Server);

        Assert.Equal([false, true], exchanges.Select(e => e.IsError));
    }

    [Fact]
    public void AbsoluteFormTargetGivesItsPath()
    {
        var session = new Session().Egress("GET http://proxy.example:8080/v1/items?page=2 HTTP/1.1\r\n\r\n")
            .Ingress("HTTP/1.0 200 OK\r\n\r\nbody until close");

        var exchange = Assert.Single(session.Run(Client));

        Assert.Equal("/v1/items", exchange.Path);
    }

    [Fact]
    public void GarbageThenValidRequestResynchronises()
    {
        var exchanges = new List<ProtocolExchange>();
        var parser = Client(exchanges.Add);
        parser.OnData(Direction.Egress, 1, "\u0001\u0002binary junk\r\n\r\n"u8, 17);
        parser.OnData(Direction.Egress, 2, "more junk"u8, 9);
        parser.OnData(Direction.Egress, 3, "OPTIONS * HTTP/1.1\r\n\r\n"u8, 22);
        parser.OnData(Direction.Ingress, 4, "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n"u8, 38);

        var exchange = Assert.Single(exchanges);
        Assert.Equal(("OPTIONS", "*"), (exchange.Method, exchange.Path));
        Assert.Equal(1, parser.Resyncs);
    }

    [Fact]
    public void SwitchingProtocolsEndsTheParser()
    {
        var exchanges = new List<ProtocolExchange>();
        var parser = new Session().Egress("GET /ws HTTP/1.1\r\nUpgrade: websocket\r\n\r\n")
            .Ingress("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n\r\n\u0081\u0005hello")
            .Feed(Client(exchanges.Add));

        Assert.Equal(101, Assert.Single(exchanges).StatusCode);
        Assert.True(parser.GaveUp);
    }

    [Fact]
    public void MorePendingRequestsThanTheCapAreCounted()
    {
        var parser = Client(_ => { });
        var request = Encoding.ASCII.GetBytes("GET / HTTP/1.1\r\n\r\n");
        for (var i = 0; i < ParserLimits.MaxPendingRequests + 10; i++)
        {
            parser.OnData(Direction.Egress, i, request, request.Length);
        }

        Assert.Equal(10, parser.Unpaired);
    }

    [Fact]
    public void FuzzSplits() => SessionFuzzer.SplitsGiveSameExchanges(Client, All, 2000, seed: 11);

    [Fact]
    public void FuzzTruncations() => SessionFuzzer.TruncationsAreSurvived(Client, All, 2000, seed: 12);

    [Fact]
    public void FuzzBitFlips() => SessionFuzzer.BitFlipsAreSurvived(Client, All, 2000, seed: 13);

    [Fact]
    public void FuzzNoise() => SessionFuzzer.NoiseIsSurvived(Client, 2000, seed: 14,
        ["GET / HTTP/1.1\r\n"u8.ToArray(), "HTTP/1.1 200 OK\r\n"u8.ToArray(), "\r\n"u8.ToArray(), "Content-Length: 99999999\r\n"u8.ToArray(),
         "Transfer-Encoding: chunked\r\n"u8.ToArray(), "ffffffffffff\r\n"u8.ToArray(), "0\r\n"u8.ToArray(), "x"u8.ToArray()]);

    [Fact]
    public void EndlessHeadStaysBounded()
    {
        SessionFuzzer.EndlessHeadStaysBounded(Client, "GET /"u8.ToArray(), (byte)'a');
        SessionFuzzer.EndlessHeadStaysBounded(Client, "GET / HTTP/1.1\r\nX: "u8.ToArray(), (byte)'a');
    }
}
