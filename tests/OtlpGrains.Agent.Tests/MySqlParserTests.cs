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

    internal static IReadOnlyList<Session> All => [Classic(), Modern(), MariaDb1011()];

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

    /// <summary>
    /// Bytes recorded (strace) between Debian 12's mariadb client 10.11 (libmariadb 3.3.20) and mariadbd 10.11.19 over
    /// TCP: the client does not ask for CLIENT_DEPRECATE_EOF although the server offers it, so result sets keep their
    /// EOF packets; the server's OK packets carry session-state tracking.
    /// </summary>
    private static readonly (string Direction, string Hex)[] MariaDb1011Recorded =
    [
        // greeting: 5.5.5-10.11.19-MariaDB-0+deb12u1, CLIENT_DEPRECATE_EOF offered
        ("In", "640000000a352e352e352d31302e31312e31392d4d6172696144422d302b6465623132753100040000007268356d444e3c2200fef7080200ff81150000000000001d000000306c523656312d2e3e2c632f006d7973716c5f6e61746976655f70617373776f726400"),
        // handshake response: user root, database shop, no CLIENT_DEPRECATE_EOF, connection attributes
        ("Out", "c00000018ca2bf000000100021000000000000000000000000000000000000001d000000726f6f74000073686f70006d7973716c5f6e61746976655f70617373776f7264007e035f6f73054c696e75780c5f636c69656e745f6e616d650a6c69626d617269616462045f70696404323736330f5f636c69656e745f76657273696f6e06332e332e3230095f706c6174666f726d067838365f36340c70726f6772616d5f6e616d65056d7973716c0c5f7365727665725f686f7374093132372e302e302e31"),
        // OK with session-state tracking (schema shop)
        ("In", "1000000200000002400000000701050473686f70"),
        ("Out", "3a00000003435245415445205441424c45206974656d732028696420494e54205052494d415259204b45592c206e616d6520564152434841522832302929"),
        ("In", "0700000100000002000000"),
        ("Out", "3300000003494e5345525420494e544f206974656d732056414c5545532028312c20276170706c6527292c2028322c2027706561722729"),
        // OK with an info text
        ("In", "2e00000100020002000000265265636f7264733a203220204475706c6963617465733a203020205761726e696e67733a2030"),
        ("Out", "240000000353454c454354206e616d652046524f4d206974656d73205748455245206964203d2031"),
        // one column, EOF, one row, EOF
        ("In", "0200000101012d000002036465660473686f70056974656d73056974656d73046e616d65046e616d65000c21003c000000fd000000000005000003fe0000020006000004056170706c6505000005fe00000200"),
        ("Out", "1c0000000353454c454354202a2046524f4d206d697373696e675f7461626c65"),
        // ERR 1146 42S02
        ("In", "31000001ff7a042334325330325461626c65202773686f702e6d697373696e675f7461626c652720646f65736e2774206578697374"),
        // COM_QUIT
        ("Out", "0100000001"),
    ];

    /// <summary>The recorded session as the client sees it (requests are egress) or as the server does (ingress).</summary>
    internal static Session MariaDb1011(bool serverSide = false)
    {
        var session = new Session();
        foreach (var (direction, hex) in MariaDb1011Recorded)
        {
            var request = direction == "Out";
            session.Add(request != serverSide ? Direction.Egress : Direction.Ingress, Convert.FromHexString(hex));
        }

        return session;
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void RecordedMariaDb1011SessionGivesStatementsAndTheError(bool serverSide)
    {
        var exchanges = MariaDb1011(serverSide).Run(sink => ProtocolParsers.Create(ProtocolKind.MySql, serverSide ? Direction.Ingress : Direction.Egress, sink));

        Assert.Equal(
            [
                "CREATE TABLE items (id INT PRIMARY KEY, name VARCHAR(20))",
                "INSERT INTO items VALUES (1, 'apple'), (2, 'pear')",
                "SELECT name FROM items WHERE id = 1",
                "SELECT * FROM missing_table",
            ],
            exchanges.Select(e => e.Statement));
        Assert.Equal(["False ", "False ", "False ", "True 1146"], exchanges.Select(e => $"{e.IsError} {e.ErrorCode}"));
        Assert.All(exchanges, e => Assert.Equal(("shop", "mariadb", false), (e.DbName, e.DbSystemName, e.Truncated)));
        Assert.Equal((Session.At(7), Session.At(8)), (exchanges[2].RequestStartNs, exchanges[2].ResponseEndNs));
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
