using OtlpGrains.Models.Statistics;
using Xunit;

namespace OtlpGrains.Models.Tests;

public sealed class UnixNanosTests
{
    [Theory]
    [InlineData(25, 10, 2)]
    [InlineData(20, 10, 2)]
    [InlineData(0, 10, 0)]
    [InlineData(-1, 10, -1)]
    [InlineData(-10, 10, -1)]
    [InlineData(-11, 10, -2)]
    public void FloorDivRoundsTowardNegativeInfinity(long value, long divisor, long expected) =>
        Assert.Equal(expected, UnixNanos.FloorDiv(value, divisor));

    [Fact]
    public void ConvertsBothWays()
    {
        var time = new DateTimeOffset(2024, 5, 6, 7, 8, 9, TimeSpan.Zero).AddTicks(1234);

        long nanos = UnixNanos.FromDateTimeOffset(time);

        Assert.Equal((time.ToUnixTimeMilliseconds() * 1_000_000) + 123_400, nanos);
        Assert.Equal(time, UnixNanos.ToDateTimeOffset(nanos));
    }

    [Fact]
    public void FarBoundsClampToTheLongRange()
    {
        Assert.Equal(long.MaxValue, UnixNanos.FromDateTimeOffset(DateTimeOffset.MaxValue));
        Assert.Equal(long.MinValue, UnixNanos.FromDateTimeOffset(DateTimeOffset.MinValue));
    }
}
