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

    internal static IReadOnlyList<Session> All => [SimpleAndExtended(), Prepared()];

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
