using OtlpGrains.Agent.Protocols;
using Xunit;

namespace OtlpGrains.Agent.Tests;

public sealed class RespParserTests
{
    private static readonly Func<Action<ProtocolExchange>, IProtocolParser> Client =
        sink => ProtocolParsers.Create(ProtocolKind.Redis, Direction.Egress, sink);

    internal static Session Basic() => new Session()
        .Egress("*3\r\n$3\r\nset\r\n$4\r\nuser\r\n$5\r\nalice\r\n")
        .Ingress("+OK\r\n")
        .Egress("*2\r\n$3\r\nGET\r\n$4\r\nuser\r\n")
        .Ingress("$5\r\nalice\r\n")
        .Egress("*2\r\n$5\r\nLPUSH\r\n$4\r\nuser\r\n")
        .Ingress("-WRONGTYPE Operation against a key holding the wrong kind of value\r\n")
        .Egress("PING\r\n")
        .Ingress("+PONG\r\n");

    internal static Session Pipelined() => new Session()
        .Egress("*1\r\n$5\r\nMULTI\r\n*2\r\n$4\r\nINCR\r\n$1\r\nn\r\n*3\r\n$6\r\nLRANGE\r\n$1\r\nl\r\n$2\r\n-1\r\n*1\r\n$4\r\nEXEC\r\n")
        .Ingress("+OK\r\n+QUEUED\r\n+QUEUED\r\n*2\r\n:1\r\n*2\r\n$1\r\na\r\n*-1\r\n")
        .Egress("*2\r\n$5\r\nHELLO\r\n$1\r\n3\r\n")
        .Ingress("%2\r\n$6\r\nserver\r\n$5\r\nredis\r\n$5\r\nproto\r\n:3\r\n>3\r\n$7\r\nmessage\r\n$2\r\nch\r\n$2\r\nhi\r\n")
        .Egress("*2\r\n$3\r\nGET\r\n$1\r\nk\r\n")
        .Ingress("|1\r\n+ttl\r\n:3600\r\n$1\r\nv\r\n")
        .Egress("*1\r\n$4\r\nPING\r\n")
        .Ingress("!21\r\nSYNTAX invalid syntax\r\n");

    internal static IReadOnlyList<Session> All => [Basic(), Pipelined()];

    [Fact]
    public void CommandsPairWithRepliesAndErrorsAreFlagged()
    {
        var exchanges = Basic().Run(Client);

        Assert.Equal(["SET False ", "GET False ", "LPUSH True WRONGTYPE", "PING False "],
            exchanges.Select(e => $"{e.Operation} {e.IsError} {e.ErrorCode}"));
        Assert.All(exchanges, e => Assert.Equal("redis", e.DbSystemName));
        Assert.Equal((Session.At(2), Session.At(3)), (exchanges[1].RequestStartNs, exchanges[1].ResponseEndNs));
    }

    [Fact]
    public void PipelinedTransactionNestedRepliesPushesAndAttributes()
    {
        var exchanges = Pipelined().Run(Client);

        // The push message (">") pairs with nothing; the attribute ("|") belongs to the reply after it.
        Assert.Equal(["MULTI", "INCR", "LRANGE", "EXEC", "HELLO", "GET", "PING"], exchanges.Select(e => e.Operation));
        Assert.Equal([false, false, false, false, false, false, true], exchanges.Select(e => e.IsError));
        Assert.Equal("SYNTAX", exchanges[^1].ErrorCode);
    }

    [Fact]
    public void LargeValueBeyondTheCaptureIsSkipped()
    {
        var value = new string('v', 10_000);
        var session = new Session()
            .Egress($"*3\r\n$3\r\nSET\r\n$3\r\nbig\r\n${value.Length}\r\n{value}\r\n").Ingress("+OK\r\n")
            .Egress("*2\r\n$3\r\nGET\r\n$3\r\nbig\r\n").Ingress($"${value.Length}\r\n{value}\r\n")
            .Egress("*2\r\n$3\r\nDEL\r\n$3\r\nbig\r\n").Ingress(":1\r\n");

        var exchanges = session.Run(Client, captureLimit: 1024);

        Assert.Equal(["SET", "GET", "DEL"], exchanges.Select(e => e.Operation));
        Assert.All(exchanges, e => Assert.False(e.Truncated));
    }

    [Fact]
    public void ReplyCutInsideAnArrayEndsWithItsSyscall()
    {
        var exchanges = new List<ProtocolExchange>();
        var parser = Client(exchanges.Add);
        parser.OnData(Direction.Egress, 1, "*2\r\n$4\r\nKEYS\r\n$1\r\n*\r\n"u8, 22);
        parser.OnData(Direction.Ingress, 2, "*1000\r\n$3\r\nkey\r\n$3\r\nk"u8, 9000);
        parser.OnData(Direction.Ingress, 3, "ey\r\n$3\r\nkey\r\n"u8, 13);
        parser.OnData(Direction.Egress, 4, "*1\r\n$4\r\nPING\r\n"u8, 14);
        parser.OnData(Direction.Ingress, 5, "+PONG\r\n"u8, 7);

        Assert.Equal(["KEYS 2 True", "PING 5 False"], exchanges.Select(e => $"{e.Operation} {e.ResponseEndNs} {e.Truncated}"));
    }

    [Fact]
    public void NestingDeeperThanTheStackResynchronises()
    {
        var exchanges = new List<ProtocolExchange>();
        var parser = Client(exchanges.Add);
        var deep = string.Concat(Enumerable.Repeat("*1\r\n", 100));
        parser.OnData(Direction.Egress, 1, "*1\r\n$4\r\nPING\r\n"u8, 14);
        parser.OnData(Direction.Ingress, 2, Session.Ascii(deep), deep.Length);

        Assert.Empty(exchanges);
        Assert.Equal(1, parser.Resyncs);
    }

    [Fact]
    public void FuzzSplits() => SessionFuzzer.SplitsGiveSameExchanges(Client, All, 2000, seed: 21);

    [Fact]
    public void FuzzTruncations() => SessionFuzzer.TruncationsAreSurvived(Client, All, 2000, seed: 22);

    [Fact]
    public void FuzzBitFlips() => SessionFuzzer.BitFlipsAreSurvived(Client, All, 2000, seed: 23);

    [Fact]
    public void FuzzNoise() => SessionFuzzer.NoiseIsSurvived(Client, 2000, seed: 24,
        ["*"u8.ToArray(), "$"u8.ToArray(), "%"u8.ToArray(), "|"u8.ToArray(), "9999999999"u8.ToArray(), "-1"u8.ToArray(), "2"u8.ToArray(),
         "\r\n"u8.ToArray(), "GET"u8.ToArray(), "+OK"u8.ToArray(), "-ERR x"u8.ToArray()]);

    [Fact]
    public void EndlessLineStaysBounded() => SessionFuzzer.EndlessHeadStaysBounded(Client, "+"u8.ToArray(), (byte)'a');
}
