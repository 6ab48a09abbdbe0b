using Google.Protobuf;
using OtlpGrains.Gateway.Otlp;
using Xunit;

namespace OtlpGrains.Gateway.Tests;

public sealed class ProtobufWriterTests
{
    [Theory]
    [InlineData(0UL)]
    [InlineData(1UL)]
    [InlineData(127UL)]
    [InlineData(128UL)]
    [InlineData(16_383UL)]
    [InlineData(16_384UL)]
    [InlineData(uint.MaxValue)]
    [InlineData(ulong.MaxValue)]
    public void NumbersAreEncodedAsGoogleProtobufEncodesThem(ulong value)
    {
        using var writer = new ProtobufWriter(1);
        writer.WriteVarint(value);
        writer.WriteFixed64(value);
        writer.WriteFixed32((uint)value);

        var expected = new MemoryStream();
        var google = new CodedOutputStream(expected);
        google.WriteUInt64(value);
        google.WriteFixed64(value);
        google.WriteFixed32((uint)value);
        google.Flush();
        Assert.Equal(expected.ToArray(), writer.WrittenSpan.ToArray());
        Assert.Equal(CodedOutputStream.ComputeUInt64Size(value), ProtobufWriter.VarintSize(value));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(127)]
    [InlineData(128)]
    [InlineData(16_383)]
    [InlineData(16_384)]
    [InlineData(2_097_152)]
    public void ALengthKnownOnlyAtTheEndIsWidenedInPlace(int length)
    {
        byte[] content = [.. Enumerable.Range(0, length).Select(i => (byte)i)];
        using var writer = new ProtobufWriter(1);
        writer.WriteTag([0x08]);
        writer.WriteVarint(5);

        int lengthAt = writer.BeginLengthDelimited([0x12]);
        content.CopyTo(writer.GetSpan(length));
        writer.Advance(length);
        writer.EndLengthDelimited(lengthAt);
        writer.WriteLengthDelimited([0x1A], "after"u8);

        var expected = new MemoryStream();
        var google = new CodedOutputStream(expected);
        google.WriteTag(1, WireFormat.WireType.Varint);
        google.WriteUInt64(5);
        google.WriteTag(2, WireFormat.WireType.LengthDelimited);
        google.WriteBytes(ByteString.CopyFrom(content));
        google.WriteTag(3, WireFormat.WireType.LengthDelimited);
        google.WriteBytes(ByteString.CopyFromUtf8("after"));
        google.Flush();
        Assert.Equal(expected.ToArray(), writer.WrittenSpan.ToArray());
    }

    [Fact]
    public void ClearAndTruncateForgetWhatWasWritten()
    {
        using var writer = new ProtobufWriter();
        writer.WriteVarint(300);
        writer.Truncate(1);
        Assert.Equal([0xAC], writer.WrittenSpan.ToArray());

        writer.Clear();
        Assert.Equal(0, writer.Length);
        Assert.Throws<ArgumentOutOfRangeException>(() => writer.Truncate(1));
    }

    [Fact]
    public void ADisposedWriterRefusesToHandOutItsBytes()
    {
        var writer = new ProtobufWriter();
        writer.WriteVarint(1);
        writer.Dispose();
        writer.Dispose();

        Assert.Throws<ObjectDisposedException>(() => writer.WrittenSpan.Length);
    }
}
