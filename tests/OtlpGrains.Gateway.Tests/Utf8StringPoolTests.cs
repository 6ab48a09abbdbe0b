using System.Text;
using OtlpGrains.Gateway.Otlp;
using Xunit;

namespace OtlpGrains.Gateway.Tests;

public sealed class Utf8StringPoolTests
{
    [Fact]
    public void TheSameBytesGiveTheSameString()
    {
        var pool = new Utf8StringPool();

        var first = pool.Get("GET /api/orders"u8);
        var second = pool.Get(Encoding.UTF8.GetBytes("GET /api/orders"));

        Assert.Equal("GET /api/orders", first);
        Assert.Same(first, second);
        Assert.NotSame(first, pool.Get("GET /api/order"u8));
        Assert.Equal("查询", pool.Get(Encoding.UTF8.GetBytes("查询")));
        Assert.Same(string.Empty, pool.Get([]));
    }

    [Fact]
    public void LongStringsAreNotPooled()
    {
        var pool = new Utf8StringPool();
        var bytes = Encoding.UTF8.GetBytes(new string('x', Utf8StringPool.MaxPooledBytes + 1));

        Assert.NotSame(pool.Get(bytes), pool.Get(bytes));
        Assert.Equal(Utf8StringPool.MaxPooledBytes + 1, pool.Get(bytes).Length);
    }

    [Fact]
    public void EndlessDistinctNamesStartThePoolOverInsteadOfGrowingIt()
    {
        var pool = new Utf8StringPool();
        var first = pool.Get("name-0"u8);
        Assert.Same(first, pool.Get("name-0"u8));

        for (int i = 1; i < 5_000; i++)
        {
            pool.Get(Encoding.UTF8.GetBytes($"name-{i}"));
        }

        // The pool was cleared on the way: the first name is decoded anew (equal, but another string).
        var again = pool.Get("name-0"u8);
        Assert.Equal(first, again);
        Assert.NotSame(first, again);
    }
}
