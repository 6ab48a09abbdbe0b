using OtlpGrains.Models.Detection.Context;
using Xunit;

namespace OtlpGrains.Models.Tests.Detection.Context;

public sealed class ContextTableTests
{
    [Fact]
    public void CountsSightingsIncludingKeyZero()
    {
        var table = new ContextTable(64);
        table.Add(0);
        table.Add(0);
        table.Add(42);
        Assert.Equal(2, table.CountOf(0));
        Assert.Equal(1, table.CountOf(42));
        Assert.Equal(0, table.CountOf(7));
        Assert.Equal(2, table.Count);
    }

    [Fact]
    public void StaysBoundedAndKeepsWhatRecursWhenFull()
    {
        var table = new ContextTable(64);
        for (ulong key = 1; key <= 1000; key++)
        {
            // Key 7 recurs all along; every other key is seen once.
            table.Add(7);
            table.Add(Spread(key));
            Assert.True(table.Count <= 64 * 7 / 10, $"{table.Count} keys in 64 slots");
        }

        Assert.True(table.CountOf(7) > 1, "the recurring key was forgotten");
        Assert.Equal(1, table.CountOf(Spread(1000)));
        Assert.Equal(0, table.CountOf(Spread(1)));
    }

    private static ulong Spread(ulong key) => unchecked(key * 0x9E3779B97F4A7C15UL);

    [Theory]
    [InlineData(8)]
    [InlineData(100)]
    public void RefusesACapacityThatIsNotAPowerOfTwoOfAtLeast16(int capacity) =>
        Assert.Throws<ArgumentOutOfRangeException>(() => new ContextTable(capacity));
}
