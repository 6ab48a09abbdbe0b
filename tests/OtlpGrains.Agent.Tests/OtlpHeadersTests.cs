using OtlpGrains.Agent.Export;
using Xunit;

namespace OtlpGrains.Agent.Tests;

/// <summary>OTEL_EXPORTER_OTLP_HEADERS as the OpenTelemetry specification writes it.</summary>
public sealed class OtlpHeadersTests
{
    [Fact]
    public void PairsArePercentDecodedTrimmedAndLowercased()
    {
        var headers = OtlpHeaders.Parse(" Authorization = Bearer%20k3y%2Cx ,x-tenant=shop,,api-key=a b");

        Assert.Equal(
            [("authorization", "Bearer k3y,x"), ("x-tenant", "shop"), ("api-key", "a b")],
            headers.Select(h => (h.Key, h.Value)).ToArray());
    }

    [Fact]
    public void NothingSetMeansNoHeaders()
    {
        Assert.Empty(OtlpHeaders.Parse(null));
        Assert.Empty(OtlpHeaders.Parse("  "));
    }

    [Theory]
    [InlineData("authorization")]
    [InlineData("=Bearer secret-value")]
    public void EntryWithoutKeyIsRefusedWithoutRepeatingTheValue(string text)
    {
        var refused = Assert.Throws<FormatException>(() => OtlpHeaders.Parse("x-tenant=shop," + text));

        Assert.Equal("OTEL_EXPORTER_OTLP_HEADERS: entry 2 is not key=value", refused.Message);
    }

    [Theory]
    [InlineData("trace-bin=AAAA", "trace-bin")]
    [InlineData("bad key=1", "bad key")]
    public void KeyThatCannotBeAGrpcHeaderIsRefused(string text, string key)
    {
        var refused = Assert.Throws<FormatException>(() => OtlpHeaders.Parse(text));

        Assert.Equal($"OTEL_EXPORTER_OTLP_HEADERS: entry 1 has a key that cannot be a gRPC header: '{key}'", refused.Message);
    }
}
