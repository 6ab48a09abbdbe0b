using OpenTelemetry.Proto.Trace.V1;
using OtlpGrains.Agent.Export;
using OtlpGrains.Agent.Protocols;
using Xunit;

namespace OtlpGrains.Agent.Tests;

public sealed class SqlSummaryTests
{
    [Theory]
    [InlineData("SELECT name FROM items WHERE id = 1", "SELECT items")]
    [InlineData("select * from public.items i, orders o where i.id = o.item", "SELECT public.items orders")]
    [InlineData("INSERT INTO items VALUES (1, 'apple'), (2, 'from pear')", "INSERT items")]
    [InlineData("INSERT INTO shipping_details (id) SELECT id FROM orders", "INSERT shipping_details SELECT orders")]
    [InlineData("UPDATE items SET name = 'x' WHERE id IN (SELECT id FROM stale)", "UPDATE items SELECT stale")]
    [InlineData("DELETE FROM items WHERE id = $1", "DELETE items")]
    [InlineData("CREATE TABLE items (id int primary key, name text)", "CREATE TABLE items")]
    [InlineData("CREATE TABLE IF NOT EXISTS \"Items\" (id int)", "CREATE TABLE \"Items\"")]
    [InlineData("CREATE OR REPLACE VIEW cheap AS SELECT * FROM items", "CREATE VIEW cheap SELECT items")]
    [InlineData("DROP TABLE IF EXISTS `shop`.`items`", "DROP TABLE `shop`.`items`")]
    [InlineData("SELECT a.x FROM items a JOIN orders b ON a.id = b.item", "SELECT items orders")]
    [InlineData("/* hint */ SELECT 1 -- FROM nowhere\n FROM items", "SELECT items")]
    [InlineData("SELECT * FROM missing_table", "SELECT missing_table")]
    public void SummariesNameOperationsAndTablesAsWritten(string sql, string expected) =>
        Assert.Equal(expected, SqlSummary.Of(sql));

    [Theory]
    [InlineData("SELECT 1")]
    [InlineData("BEGIN")]
    [InlineData("")]
    [InlineData("select @@version_comment limit 1")]
    [InlineData("'unterminated FROM x")]
    public void TextWithoutATableHasNoSummary(string sql) => Assert.Null(SqlSummary.Of(sql));

    [Fact]
    public void FailedSqlSpanIsNamedBySummaryAndCarriesErrorType()
    {
        var exchange = new ProtocolExchange
        {
            Kind = ProtocolKind.MySql,
            Role = ConnectionRole.Server,
            RequestStartNs = 1,
            RequestEndNs = 2,
            ResponseStartNs = 3,
            ResponseEndNs = 4,
            Operation = "SELECT",
            Statement = "SELECT * FROM missing_table",
            DbName = "shop",
            IsMariaDb = true,
            IsError = true,
            ErrorCode = "1146",
        };

        var span = SpanMapper.ToSpan(exchange, 0).ToProto();

        Assert.Equal("SELECT missing_table", span.Name);
        Assert.Equal(Status.Types.StatusCode.Error, span.Status.Code);
        Assert.Equal("mariadb", span.Attributes.Single(a => a.Key == "db.system.name").Value.StringValue);
        Assert.Equal("SELECT missing_table", span.Attributes.Single(a => a.Key == "db.query.summary").Value.StringValue);
        Assert.Equal("1146", span.Attributes.Single(a => a.Key == "db.response.status_code").Value.StringValue);
        Assert.Equal("1146", span.Attributes.Single(a => a.Key == "error.type").Value.StringValue);
    }
}
