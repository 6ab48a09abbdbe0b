using OtlpGrains.Interfaces;
using Xunit;

namespace OtlpGrains.Gateway.Tests;

public sealed class TraceKeyTests
{
    [Theory]
    [InlineData("abcdef01234567899abcdef00fedcba9")]
    [InlineData("00000000000000000000000000000001")]
    [InlineData("ffffffffffffffffffffffffffffffff")]
    public void HexRoundTripsAndTheShardIsTheLastEightDigitsModuloTheCount(string hex)
    {
        TraceKey key = TraceKey.Parse(hex.ToUpperInvariant());

        Assert.Equal(hex, key.ToString());
        Assert.Equal((int)(Convert.ToUInt32(hex[^8..], 16) % TraceShards.Count), TraceShards.Of(key));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("abcdef01234567899abcdef00fedcba")]
    [InlineData("abcdef01234567899abcdef00fedcba90")]
    [InlineData("abcdef01234567899abcdef00fedcbaz")]
    [InlineData("+bcdef01234567899abcdef00fedcba9")]
    public void AnythingButThirtyTwoHexDigitsIsRefused(string? hex)
    {
        Assert.False(TraceKey.TryParse(hex, out _));
        Assert.Throws<FormatException>(() => TraceKey.Parse(hex!));
    }
}
