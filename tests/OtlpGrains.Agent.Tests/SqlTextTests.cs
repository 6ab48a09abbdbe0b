using OtlpGrains.Agent.Protocols;
using Xunit;

namespace OtlpGrains.Agent.Tests;

public sealed class SqlTextTests
{
    [Theory]
    [InlineData("SELECT name FROM items WHERE id = 1", "SELECT name FROM items WHERE id = ?")]
    [InlineData("INSERT INTO users VALUES (7, 'ann@example.com', 'it''s', -2.5e3)", "INSERT INTO users VALUES (?, ?, ?, -?)")]
    [InlineData("SELECT * FROM t1 WHERE a = $1 AND b = ? AND c = :name AND d = @v", "SELECT * FROM t1 WHERE a = $1 AND b = ? AND c = :name AND d = @v")]
    [InlineData("SELECT \"Col 1\", `x2` FROM s.t WHERE e = E'a\\'b' AND h = X'0f'", "SELECT \"Col 1\", `x2` FROM s.t WHERE e = ? AND h = ?")]
    [InlineData("DO $$ BEGIN PERFORM 'x'; END $$", "DO ?")]
    [InlineData("SELECT $tag$secret$tag$, 3", "SELECT ?, ?")]
    [InlineData("SELECT 1 -- keep 'this' comment\n", "SELECT ? -- keep 'this' comment\n")]
    [InlineData("SELECT 'unterminated", "SELECT ?")]
    [InlineData("SHOW TABLES", "SHOW TABLES")]
    public void LiteralsBecomePlaceholders(string sql, string expected) => Assert.Equal(expected, SqlText.Sanitize(sql));

    [Fact]
    public void TextWithoutLiteralsIsReturnedAsIs()
    {
        const string Sql = "SELECT a FROM b";
        Assert.Same(Sql, SqlText.Sanitize(Sql));
        Assert.Null(SqlText.Sanitize(null));
    }
}
