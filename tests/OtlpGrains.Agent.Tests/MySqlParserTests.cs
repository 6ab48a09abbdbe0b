using OtlpGrains.Agent.Protocols;
using Xunit;
using static OtlpGrains.Agent.Tests.MySqlWire;

namespace OtlpGrains.Agent.Tests;

public sealed class MySqlParserTests
{
    private static readonly Func<Action<ProtocolExchange>, IProtocolParser> Client =
        sink => ProtocolParsers.Create(ProtocolKind.MySql, Direction.Egress, sink);

    /// <summary>Classic result sets with EOF packets (no CLIENT_DEPRECATE_EOF).</summary>
    internal static Session Classic() => new Session()
        .Ingress(Greeting("8.0.36"))
        .Egress(HandshakeResponse("app", "shop", 0))
        .Ingress(Ok(2))
        .Egress(Query("SELECT id, name FROM users"))
        .Ingress(Concat(ColumnCount(1, 2), Column(2, "id"), Column(3, "name"), Eof(4), Row(5, "1", "ann"), Row(6, "2", "bob"), Eof(7)))
        .Egress(Query("INSERT INTO users(name) VALUES ('cy')"))
        .Ingress(Ok(1))
        .Egress(Query("SELECT * FROM nope"))
        .Ingress(Error(1, 1146, "42S02", "Table 'shop.nope' doesn't exist"));

    /// <summary>CLIENT_DEPRECATE_EOF, prepared statements and multiple result sets.</summary>
    internal static Session Modern() => new Session()
        .Ingress(Greeting("11.4.2-MariaDB"))
        .Egress(HandshakeResponse("app", null, ClientDeprecateEof))
        .Ingress(Ok(2))
        .Egress(Prepare("SELECT name FROM users WHERE id = ?"))
        .Ingress(Concat(PrepareOk(1, 7, 1, 1), Column(2, "?"), Column(3, "name")))
        .Egress(Execute(7))
        .Ingress(Concat(ColumnCount(1, 1), Column(2, "name"), Row(3, "ann"), EofOk(4)))
        .Egress(Query("CALL two_results()"))
        .Ingress(Concat(ColumnCount(1, 1), Column(2, "a"), Row(3, "1"), EofOk(4, 0x0a), ColumnCount(5, 1), Column(6, "b"), EofOk(7), Ok(8)))
        .Egress(Close(7))
        .Egress(Query("SELECT 1"))
        .Ingress(Concat(ColumnCount(1, 1), Column(2, "1"), Row(3, "1"), EofOk(4)));

    internal static IReadOnlyList<Session> All => [Classic(), Modern()];

    [Fact]
    public void ClassicQueriesResultSetsAndErrors()
    {
        var exchanges = Classic().Run(Client);

        Assert.Equal(["SELECT False ", "INSERT False ", "SELECT True 1146"], exchanges.Select(e => $"{e.Operation} {e.IsError} {e.ErrorCode}"));
        Assert.Equal("SELECT id, name FROM users", exchanges[0].Statement);
        Assert.All(exchanges, e => Assert.Equal(("shop", "mysql"), (e.DbName, e.DbSystemName)));
        Assert.Equal((Session.At(3), Session.At(4)), (exchanges[0].RequestStartNs, exchanges[0].ResponseEndNs));
    }

    [Fact]
    public void PreparedStatementsAndMultipleResultSetsWithoutEofPackets()
    {
        var exchanges = Modern().Run(Client);

        Assert.Equal(["SELECT name FROM users WHERE id = ?", "CALL two_results()", "SELECT 1"], exchanges.Select(e => e.Statement));
        Assert.Equal(["SELECT", "CALL", "SELECT"], exchanges.Select(e => e.Operation));
        Assert.Equal(Session.At(8), exchanges[1].ResponseEndNs);
        Assert.All(exchanges, e => Assert.False(e.IsError));
    }

    [Fact]
    public void ResultSetWithoutTheHandshakeUsesTheEofShape()
    {
        // The capture started after the handshake: whether EOF packets are used is guessed from their length.
        var session = new Session()
            .Egress(Query("SELECT a FROM t"))
            .Ingress(Concat(ColumnCount(1, 1), Column(2, "a"), Eof(3), Row(4, "x"), Eof(5)))
            .Egress(Query("SELECT b FROM t"))
            .Ingress(Concat(ColumnCount(1, 1), Column(2, "b"), Row(3, "y"), EofOk(4)));

        var exchanges = session.Run(Client);

        Assert.Equal(["SELECT a FROM t 2000", "SELECT b FROM t 4000"], exchanges.Select(e => $"{e.Statement} {e.ResponseEndNs}"));
    }

    [Fact]
    public void BigResultBeyondTheCaptureEndsWithItsSyscall()
    {
        var rows = Enumerable.Range(0, 300).Select(i => Row((byte)(3 + i), new string('r', 30))).ToArray();
        var session = new Session()
            .Egress(Query("SELECT big FROM t"))
            .Ingress(Concat([ColumnCount(1, 1), Column(2, "big"), .. rows, EofOk(47)]))
            .Egress(Query("DELETE FROM t"))
            .Ingress(Ok(1));

        var exchanges = session.Run(Client, captureLimit: 1024);

        Assert.Equal(["SELECT True", "DELETE False"], exchanges.Select(e => $"{e.Operation} {e.Truncated}"));
    }

    [Fact]
    public void SslRequestEndsTheParser()
    {
        var sslRequest = Packet(1, UInt32(0x0800 | 0x0200 | 0x8000), UInt32(1 << 24), [0x21], new byte[23]);
        var parser = new Session().Ingress(Greeting("8.0.36")).Egress(sslRequest).Feed(Client(_ => { }));

        Assert.True(parser.GaveUp);
    }

    [Fact]
    public void FuzzSplits() => SessionFuzzer.SplitsGiveSameExchanges(Client, All, 2000, seed: 41);

    [Fact]
    public void FuzzTruncations() => SessionFuzzer.TruncationsAreSurvived(Client, All, 2000, seed: 42);

    [Fact]
    public void FuzzBitFlips() => SessionFuzzer.BitFlipsAreSurvived(Client, All, 2000, seed: 43);

    [Fact]
    public void FuzzNoise() => SessionFuzzer.NoiseIsSurvived(Client, 2000, seed: 44,
        [Query("select 1"), Ok(1), Eof(2), EofOk(3), ColumnCount(1, 200), Column(2, "c"), Error(1, 1, "HY000", "x"), [0xff, 0xff, 0xff, 0x00], [0xfe]]);
}
