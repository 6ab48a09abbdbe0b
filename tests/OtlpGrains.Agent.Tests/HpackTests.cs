using System.Text;
using OtlpGrains.Agent.Protocols.Http2;
using Xunit;
using static OtlpGrains.Agent.Tests.Http2Wire;

namespace OtlpGrains.Agent.Tests;

public sealed class HpackTests
{
    // RFC 7541 C.4: Huffman-coded strings of the request examples.
    [Theory]
    [InlineData("www.example.com", "f1e3c2e5f23a6ba0ab90f4ff")]
    [InlineData("no-cache", "a8eb10649cbf")]
    [InlineData("custom-key", "25a849e95ba97d7f")]
    [InlineData("custom-value", "25a849e95bb8e8b4bf")]
    public void HuffmanMatchesTheRfcExamples(string text, string hex)
    {
        var encoded = new byte[HuffmanCode.EncodedLength(Encoding.ASCII.GetBytes(text))];
        HuffmanCode.Encode(Encoding.ASCII.GetBytes(text), encoded);
        var decoded = new byte[64];

        Assert.Equal(hex, Convert.ToHexStringLower(encoded));
        Assert.True(HuffmanCode.TryDecode(Convert.FromHexString(hex), decoded, out var written));
        Assert.Equal(text, Encoding.ASCII.GetString(decoded, 0, written));
    }

    [Fact]
    public void HuffmanRoundTripsEveryByteValue()
    {
        var random = new Random(7);
        for (var i = 0; i < 2000; i++)
        {
            var input = new byte[random.Next(0, 200)];
            random.NextBytes(input);
            var encoded = new byte[HuffmanCode.EncodedLength(input)];
            var written = HuffmanCode.Encode(input, encoded);
            var decoded = new byte[input.Length];

            Assert.Equal(encoded.Length, written);
            Assert.True(HuffmanCode.TryDecode(encoded, decoded, out var length));
            Assert.Equal(input, decoded[..length]);
        }
    }

    [Fact]
    public void HuffmanRefusesBadPaddingAndEos()
    {
        var output = new byte[16];

        // 'a' is 00011: padding with zeros instead of ones is invalid.
        Assert.False(HuffmanCode.TryDecode([0b0001_1000], output, out _));
        Assert.True(HuffmanCode.TryDecode([0b0001_1111], output, out var written));
        Assert.Equal((byte)'a', output[written - 1]);

        // A full byte of padding (8 one bits) is too long; 30 one bits decode EOS.
        Assert.False(HuffmanCode.TryDecode([0b0001_1111, 0xff], output, out _));
        Assert.False(HuffmanCode.TryDecode([0xff, 0xff, 0xff, 0xfc], output, out _));
    }

    [Fact]
    public void DecoderFollowsTheRfcRequestExamplesAndTheirTable()
    {
        var decoder = new HpackDecoder();
        var headers = new HeaderList();

        Assert.True(decoder.TryDecode(Hex("8286 8441 8cf1 e3c2 e5f2 3a6b a0ab 90f4 ff"), headers));
        Assert.Equal([":method: GET", ":scheme: http", ":path: /", ":authority: www.example.com"], headers.Take());
        Assert.Equal(57, decoder.TableSize);

        Assert.True(decoder.TryDecode(Hex("8286 84be 5886 a8eb 1064 9cbf"), headers));
        Assert.Equal([":method: GET", ":scheme: http", ":path: /", ":authority: www.example.com", "cache-control: no-cache"], headers.Take());
        Assert.Equal(110, decoder.TableSize);

        Assert.True(decoder.TryDecode(Hex("8287 85bf 4088 25a8 49e9 5ba9 7d7f 8925 a849 e95b b8e8 b4bf"), headers));
        Assert.Equal([":method: GET", ":scheme: https", ":path: /index.html", ":authority: www.example.com", "custom-key: custom-value"], headers.Take());
        Assert.Equal(164, decoder.TableSize);
    }

    [Fact]
    public void SizeUpdatesEvictAndAreBoundedByTheSetting()
    {
        var decoder = new HpackDecoder();
        var headers = new HeaderList();
        Assert.True(decoder.TryDecode(new Block().Indexing("x-a", "1").Indexing("x-b", "2").ToArray(), headers));
        Assert.Equal(2 * (3 + 1 + 32), decoder.TableSize);

        // Shrinking to 40 bytes keeps only the newest entry, which stays addressable as 62.
        Assert.True(decoder.TryDecode(new Block().SizeUpdate(40).Indexed(62).ToArray(), headers));
        Assert.Equal(36, decoder.TableSize);
        Assert.Equal(["x-a: 1", "x-b: 2", "x-b: 2"], headers.Take());
        Assert.False(decoder.TryDecode(new Block().Indexed(63).ToArray(), headers));
        Assert.False(new HpackDecoder().TryDecode(new Block().SizeUpdate(5000).ToArray(), headers));
    }

    [Fact]
    public void MalformedBlocksFail()
    {
        var headers = new HeaderList();

        Assert.False(new HpackDecoder().TryDecode([0x80], headers));
        Assert.False(new HpackDecoder().TryDecode([0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x7f], headers));
        Assert.False(new HpackDecoder().TryDecode([0x40, 0x05, (byte)'a'], headers));
        Assert.False(new HpackDecoder().TryDecode([0x04], headers));
    }

    [Fact]
    public void RandomBlocksNeverThrow()
    {
        var random = new Random(8);
        var headers = new HeaderList();
        for (var i = 0; i < 5000; i++)
        {
            var decoder = new HpackDecoder();
            var block = new byte[random.Next(1, 300)];
            random.NextBytes(block);
            _ = decoder.TryDecode(block, headers);
            Assert.InRange(decoder.TableSize, 0, 4096);
            headers.Take();
        }
    }

    private sealed class HeaderList : IHeaderSink
    {
        private readonly List<string> _headers = [];

        public void OnHeader(ReadOnlySpan<byte> name, ReadOnlySpan<byte> value) =>
            _headers.Add($"{Encoding.ASCII.GetString(name)}: {Encoding.ASCII.GetString(value)}");

        public List<string> Take()
        {
            var all = _headers.ToList();
            _headers.Clear();
            return all;
        }
    }
}
