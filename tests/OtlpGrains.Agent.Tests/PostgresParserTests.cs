using OtlpGrains.Agent.Protocols;
using Xunit;
using static OtlpGrains.Agent.Tests.PostgresWire;

namespace OtlpGrains.Agent.Tests;

public sealed class PostgresParserTests
{
    private static readonly Func<Action<ProtocolExchange>, IProtocolParser> Client =
        sink => ProtocolParsers.Create(ProtocolKind.Postgres, Direction.Egress, sink);

    internal static Session SimpleAndExtended() => new Session()
        .Egress(Startup("app", "shop"))
        .Ingress(Concat(AuthenticationOk(), ParameterStatus("server_version", "17.2"), ReadyForQuery()))
        .Egress(Query("SELECT id FROM orders WHERE id = 1"))
        .Ingress(Concat(RowDescription("id"), DataRow("1"), CommandComplete("SELECT 1"), ReadyForQuery()))
        .Egress(Concat(Parse("", "insert into orders(id) values ($1)"), Bind("", ""), Describe(""), Execute(""), Sync()))
        .Ingress(Concat(Message('1'), Message('2'), Message('n'), CommandComplete("INSERT 0 1"), ReadyForQuery()))
        .Egress(Query("select * from missing"))
        .Ingress(Concat(Error("42P01", "relation \"missing\" does not exist"), ReadyForQuery()));

    internal static Session Prepared() => new Session()
        .Egress(Startup("app", null))
        .Ingress(Concat(AuthenticationOk(), ReadyForQuery()))
        .Egress(Concat(Parse("s1", "UPDATE stock SET n = n - 1 WHERE sku = $1"), Sync()))
        .Ingress(Concat(Message('1'), ReadyForQuery()))
        .Egress(Concat(Bind("", "s1"), Execute(""), Bind("", "s1"), Execute(""), Sync(), Query("BEGIN")))
        .Ingress(Concat(Message('2'), CommandComplete("UPDATE 1"), Message('2'), Error("40001", "could not serialize"), ReadyForQuery('E')))
        .Ingress(Concat(CommandComplete("BEGIN"), ReadyForQuery('T')));

    internal static IReadOnlyList<Session> All => [SimpleAndExtended(), Prepared(), Psql15()];

    [Fact]
    public void SimpleAndExtendedQueriesPairWithReadyForQuery()
    {
        var exchanges = SimpleAndExtended().Run(Client);

        Assert.Equal(3, exchanges.Count);
        Assert.Equal(("SELECT id FROM orders WHERE id = 1", "SELECT", false), (exchanges[0].Statement, exchanges[0].Operation, exchanges[0].IsError));
        Assert.Equal(("insert into orders(id) values ($1)", "INSERT", false), (exchanges[1].Statement, exchanges[1].Operation, exchanges[1].IsError));
        Assert.Equal(("SELECT", true, "42P01"), (exchanges[2].Operation, exchanges[2].IsError, exchanges[2].ErrorCode));
        Assert.All(exchanges, e => Assert.Equal(("shop", "postgresql"), (e.DbName, e.DbSystemName)));
        Assert.Equal((Session.At(4), Session.At(5)), (exchanges[1].RequestStartNs, exchanges[1].ResponseEndNs));
    }

    [Fact]
    public void NamedStatementsAreRememberedAndErrorsEndTheBatch()
    {
        var exchanges = Prepared().Run(Client);

        // The Parse-only batch (no Execute) is a prepare, not an exchange.
        Assert.Equal(["UPDATE True 40001", "BEGIN False "], exchanges.Select(e => $"{e.Operation} {e.IsError} {e.ErrorCode}"));
        Assert.Equal("UPDATE stock SET n = n - 1 WHERE sku = $1", exchanges[0].Statement);
        Assert.Equal("app", exchanges[0].DbName);
        Assert.Equal(Session.At(6), exchanges[1].ResponseEndNs);
    }

    [Fact]
    public void LongQueryAndManyRowsBeyondTheCaptureStayInSync()
    {
        var longSql = "SELECT " + string.Join(", ", Enumerable.Range(0, 900).Select(i => $"c{i}")) + " FROM wide";
        var rows = Concat([RowDescription("c"), .. Enumerable.Range(0, 500).Select(i => DataRow(new string('r', 40))), CommandComplete("SELECT 500"), ReadyForQuery()]);
        var session = new Session()
            .Egress(Query(longSql)).Ingress(rows)
            .Egress(Query("select 2")).Ingress(Concat(RowDescription("x"), DataRow("2"), CommandComplete("SELECT 1"), ReadyForQuery()));

        var exchanges = new List<ProtocolExchange>();
        var parser = Client(exchanges.Add);
        foreach (var segment in session.Segments)
        {
            parser.OnData(segment.Direction, segment.TimestampNs, segment.Data.AsSpan(0, Math.Min(1024, segment.Data.Length)), segment.Data.Length);
        }

        // The big reply's ReadyForQuery was past the capture: the reply is taken to end with its syscall.
        Assert.Equal(["SELECT True", "SELECT False"], exchanges.Select(e => $"{e.Operation} {e.Truncated}"));
        Assert.StartsWith("SELECT c0, c1, c2", exchanges[0].Statement, StringComparison.Ordinal);
        Assert.Equal(Session.At(1), exchanges[0].ResponseEndNs);
        Assert.Equal("select 2", exchanges[1].Statement);
        Assert.Equal(1, parser.Resyncs);
        Assert.Equal(0, parser.Unpaired);
    }

    [Fact]
    public void QueryTextCutByTheCaptureKeepsItsPrefixAndFraming()
    {
        var longSql = "SELECT '" + new string('x', 3000) + "'";
        var session = new Session()
            .Egress(Query(longSql)).Ingress(Concat(CommandComplete("SELECT 1"), ReadyForQuery()))
            .Egress(Query("select 2")).Ingress(Concat(CommandComplete("SELECT 1"), ReadyForQuery()));

        var exchanges = session.Run(Client, captureLimit: 1024);

        Assert.Equal(2, exchanges.Count);
        Assert.Equal(1024 - 5, exchanges[0].Statement!.Length);
        Assert.True(exchanges[0].Truncated);
        Assert.Equal("select 2", exchanges[1].Statement);
        Assert.False(exchanges[1].Truncated);
    }

    [Fact]
    public void AcceptedSslRequestEndsTheParser()
    {
        byte[] ssl = [0, 0, 0, 8, 0x04, 0xd2, 0x16, 0x2f];
        var parser = new Session().Egress(ssl).Ingress("S").Egress([0x16, 0x03, 0x01, 0x00, 0x10]).Feed(Client(_ => { }));

        Assert.True(parser.GaveUp);
    }

    [Fact]
    public void RefusedSslRequestContinuesInPlaintext()
    {
        byte[] ssl = [0, 0, 0, 8, 0x04, 0xd2, 0x16, 0x2f];
        var exchanges = new Session().Egress(ssl).Ingress("N").Egress(Startup("u", "d")).Ingress(Concat(AuthenticationOk(), ReadyForQuery()))
            .Egress(Query("select 1")).Ingress(Concat(CommandComplete("SELECT 1"), ReadyForQuery())).Run(Client);

        Assert.Equal(("select 1", "d"), (Assert.Single(exchanges).Statement, exchanges[0].DbName));
    }

    /// <summary>Bytes recorded (strace) between Debian 12's psql 15 and a PostgreSQL 15.18 server over TCP, sslmode=disable, trust auth.</summary>
    private static readonly (string Direction, string Hex)[] Psql15Recorded =
    [
        // StartupMessage: user postgres, database postgres, application_name psql
        ("Out", "0000003f000300007573657200706f73746772657300646174616261736500706f737467726573006170706c69636174696f6e5f6e616d65007073716c0000"),
        // AuthenticationOk (trust), ParameterStatus x13, BackendKeyData, ReadyForQuery
        ("In", "520000000800000000530000001a6170706c69636174696f6e5f6e616d65007073716c005300000019636c69656e745f656e636f64696e670055544638005300000017446174655374796c650049534f2c204d445900530000002664656661756c745f7472616e73616374696f6e5f726561645f6f6e6c79006f6666005300000017696e5f686f745f7374616e646279006f6666005300000019696e74656765725f6461746574696d6573006f6e00530000001b496e74657276616c5374796c6500706f73746772657300530000001469735f737570657275736572006f6e0053000000197365727665725f656e636f64696e6700555446380053000000327365727665725f76657273696f6e0031352e3138202844656269616e2031352e31382d302b646562313275312900530000002373657373696f6e5f617574686f72697a6174696f6e00706f7374677265730053000000237374616e646172645f636f6e666f726d696e675f737472696e6773006f6e00530000001554696d655a6f6e65004574632f555443004b0000000c000013681e01eeb45a0000000549"),
        ("Out", "5100000037435245415445205441424c45206974656d732028696420696e74205052494d415259204b45592c206e616d6520746578742900"),
        ("In", "4300000011435245415445205441424c45005a0000000549"),
        ("Out", "5100000037494e5345525420494e544f206974656d732056414c5545532028312c20276170706c6527292c2028322c202770656172272900"),
        ("In", "430000000f494e5345525420302032005a0000000549"),
        ("Out", "510000002853454c454354206e616d652046524f4d206974656d73205748455245206964203d203100"),
        // RowDescription, DataRow, CommandComplete, ReadyForQuery
        ("In", "540000001d00016e616d650000004000000200000019ffffffffffff0000440000000f0001000000056170706c65430000000d53454c4543542031005a0000000549"),
        ("Out", "510000002053454c454354202a2046524f4d206d697373696e675f7461626c6500"),
        // ErrorResponse 42P01, ReadyForQuery
        ("In", "4500000070534552524f5200564552524f5200433432503031004d72656c6174696f6e20226d697373696e675f7461626c652220646f6573206e6f7420657869737400503135004670617273655f72656c6174696f6e2e63004c3133393200527061727365724f70656e5461626c6500005a0000000549"),
        // Terminate
        ("Out", "5800000004"),
    ];

    /// <summary>The recorded session as psql sees it (requests are egress) or as the backend does (ingress).</summary>
    internal static Session Psql15(bool serverSide = false)
    {
        var session = new Session();
        foreach (var (direction, hex) in Psql15Recorded)
        {
            session.Add((direction == "Out") != serverSide ? Direction.Egress : Direction.Ingress, Convert.FromHexString(hex));
        }

        return session;
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void RecordedPsql15SessionGivesStatementsAndTheSqlState(bool serverSide)
    {
        var exchanges = Psql15(serverSide).Run(sink => ProtocolParsers.Create(ProtocolKind.Postgres, serverSide ? Direction.Ingress : Direction.Egress, sink));

        Assert.Equal(
            [
                "CREATE TABLE items (id int PRIMARY KEY, name text)",
                "INSERT INTO items VALUES (1, 'apple'), (2, 'pear')",
                "SELECT name FROM items WHERE id = 1",
                "SELECT * FROM missing_table",
            ],
            exchanges.Select(e => e.Statement));
        Assert.Equal(["False ", "False ", "False ", "True 42P01"], exchanges.Select(e => $"{e.IsError} {e.ErrorCode}"));
        Assert.All(exchanges, e => Assert.Equal(("postgres", "postgresql", false), (e.DbName, e.DbSystemName, e.Truncated)));
        Assert.Equal((Session.At(6), Session.At(7)), (exchanges[2].RequestStartNs, exchanges[2].ResponseEndNs));
    }

    [Fact]
    public void FuzzSplits() => SessionFuzzer.SplitsGiveSameExchanges(Client, All, 2000, seed: 31);

    [Fact]
    public void FuzzTruncations() => SessionFuzzer.TruncationsAreSurvived(Client, All, 2000, seed: 32);

    [Fact]
    public void FuzzBitFlips() => SessionFuzzer.BitFlipsAreSurvived(Client, All, 2000, seed: 33);

    [Fact]
    public void FuzzNoise() => SessionFuzzer.NoiseIsSurvived(Client, 2000, seed: 34,
        [Query("select 1"), ReadyForQuery(), Error("XX000", "x"), Sync(), Parse("a", "b"), Bind("", "a"), [0, 0, 0, 8], [0x7f, 0xff, 0xff, 0xff], [(byte)'Q']]);
}
