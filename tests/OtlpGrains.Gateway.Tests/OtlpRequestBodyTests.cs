using System.IO.Compression;
using Google.Protobuf;
using OpenTelemetry.Proto.Collector.Trace.V1;
using OtlpGrains.Gateway.Http;
using Xunit;

namespace OtlpGrains.Gateway.Tests;

public sealed class OtlpRequestBodyTests
{
    private const string Protobuf = "application/x-protobuf";

    private const int SmallLimit = 1000;

    [Fact]
    public async Task ProtobufBodyIsReadAsIs()
    {
        byte[] wire = OtlpSamples.Traces().ToByteArray();

        using BodyReadResult result = await Read(new TrickleStream(wire), Protobuf, null, wire.Length, OtlpRequestBody.DefaultMaxBytes);

        Assert.True(result.Succeeded);
        Assert.Equal(200, result.StatusCode);
        Assert.Null(result.Reason);
        Assert.Equal(OtlpBodyFormat.Protobuf, result.Format);
        Assert.Equal(wire.Length, result.Length);
        Assert.Equal(OtlpSamples.Traces(), ExportTraceServiceRequest.Parser.ParseFrom(result.Span));
    }

    [Fact]
    public async Task BodyArrivingInTinyChunksWithoutLengthIsReadWhole()
    {
        byte[] data = RandomBytes(200_000, seed: 1);

        using BodyReadResult result = await Read(new TrickleStream(data, maxChunk: 997), Protobuf, "identity", null, OtlpRequestBody.DefaultMaxBytes);

        Assert.True(result.Succeeded);
        Assert.Equal(data, result.Span.ToArray());
    }

    [Fact]
    public async Task EmptyBodyIsAnEmptySuccess()
    {
        using BodyReadResult result = await Read(new TrickleStream([]), Protobuf, null, 0);

        Assert.True(result.Succeeded);
        Assert.Equal(0, result.Length);
    }

    [Theory]
    [InlineData("application/x-protobuf", false)]
    [InlineData("Application/X-Protobuf", false)]
    [InlineData("application/json", true)]
    [InlineData("application/json; charset=utf-8", true)]
    [InlineData(" APPLICATION/JSON ;charset=UTF-8", true)]
    [InlineData("application/x-protobuf; proto=opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest", false)]
    public async Task MediaTypeChoosesTheFormatIgnoringParametersAndCase(string contentType, bool json)
    {
        using BodyReadResult result = await Read(new TrickleStream("{}"u8.ToArray()), contentType, null, 2);

        Assert.True(result.Succeeded);
        Assert.Equal(json ? OtlpBodyFormat.Json : OtlpBodyFormat.Protobuf, result.Format);
    }

    [Theory]
    [InlineData(null, "missing Content-Type")]
    [InlineData("", "missing Content-Type")]
    [InlineData("; charset=utf-8", "missing Content-Type")]
    [InlineData("text/plain", "unsupported Content-Type 'text/plain'")]
    [InlineData("application/protobuf", "unsupported Content-Type 'application/protobuf'")]
    [InlineData("application/jsonx", "unsupported Content-Type 'application/jsonx'")]
    public async Task OtherMediaTypesAreRefusedWith415(string? contentType, string expectedReason)
    {
        var body = new TrickleStream([1, 2, 3]);

        using BodyReadResult result = await Read(body, contentType, null, 3);

        Assert.False(result.Succeeded);
        Assert.Equal(415, result.StatusCode);
        Assert.NotNull(result.Reason);
        Assert.StartsWith(expectedReason, result.Reason, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', result.Reason);
        Assert.Equal(0, body.BytesGiven);
    }

    [Theory]
    [InlineData("br")]
    [InlineData("deflate")]
    [InlineData("gzip, br")]
    [InlineData("zstd")]
    public async Task OtherContentEncodingsAreRefusedWith415(string contentEncoding)
    {
        using BodyReadResult result = await Read(new TrickleStream([1]), Protobuf, contentEncoding, 1);

        Assert.Equal(415, result.StatusCode);
        Assert.StartsWith($"unsupported Content-Encoding '{contentEncoding}'", result.Reason, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("gzip")]
    [InlineData("GZip")]
    [InlineData("x-gzip")]
    public async Task GzipBodyRoundTrips(string contentEncoding)
    {
        byte[] wire = OtlpSamples.Traces().ToByteArray();
        byte[] compressed = Gzip(wire);

        using BodyReadResult result = await Read(new TrickleStream(compressed, maxChunk: 333), "application/x-protobuf;q=1", contentEncoding, compressed.Length, OtlpRequestBody.DefaultMaxBytes);

        Assert.True(result.Succeeded, result.Reason);
        Assert.Equal(wire, result.Span.ToArray());
        Assert.Equal(OtlpSamples.Traces(), ExportTraceServiceRequest.Parser.ParseFrom(result.Span));
    }

    [Fact]
    public async Task DeclaredLengthAboveTheLimitIsRefusedBeforeReading()
    {
        var body = new TrickleStream(new byte[SmallLimit + 1]);

        using BodyReadResult result = await Read(body, Protobuf, null, SmallLimit + 1);

        Assert.Equal(413, result.StatusCode);
        Assert.Equal($"body of {SmallLimit + 1} bytes exceeds the limit of {SmallLimit} bytes", result.Reason);
        Assert.Equal(0, body.BytesGiven);
    }

    [Fact]
    public async Task BodyExactlyAtTheLimitIsAccepted()
    {
        byte[] data = RandomBytes(SmallLimit, seed: 2);

        using BodyReadResult result = await Read(new TrickleStream(data), Protobuf, null, null);

        Assert.True(result.Succeeded);
        Assert.Equal(data, result.Span.ToArray());
    }

    [Fact]
    public async Task UndeclaredBodyAboveTheLimitIsRefusedWithoutReadingItAll()
    {
        var body = new TrickleStream(new byte[SmallLimit * 50]);

        using BodyReadResult result = await Read(body, Protobuf, null, null);

        Assert.Equal(413, result.StatusCode);
        Assert.Equal($"body exceeds the limit of {SmallLimit} bytes", result.Reason);
        Assert.Equal(SmallLimit + 1, body.BytesGiven);
    }

    [Fact]
    public async Task ContentLengthLieAboveTheLimitIsRefusedWith413()
    {
        var body = new TrickleStream(new byte[SmallLimit * 50]);

        using BodyReadResult result = await Read(body, Protobuf, null, 10);

        Assert.Equal(413, result.StatusCode);
        Assert.Equal(SmallLimit + 1, body.BytesGiven);
    }

    [Theory]
    [InlineData(10, 20)]
    [InlineData(20, 10)]
    public async Task BodyOfAnotherLengthThanDeclaredIsRefusedWith400(int declared, int sent)
    {
        using BodyReadResult result = await Read(new TrickleStream(new byte[sent]), Protobuf, null, declared);

        Assert.Equal(400, result.StatusCode);
        Assert.Equal($"body has {sent} bytes but Content-Length declares {declared}", result.Reason);
    }

    [Fact]
    public async Task GzipBombIsRefusedWithoutInflatingItAll()
    {
        byte[] bomb = Gzip(new byte[64 * 1024 * 1024]);
        var body = new TrickleStream(bomb);

        using BodyReadResult result = await Read(body, Protobuf, "gzip", bomb.Length, OtlpRequestBody.DefaultMaxBytes);

        Assert.Equal(413, result.StatusCode);
        Assert.Equal($"decompressed body exceeds the limit of {OtlpRequestBody.DefaultMaxBytes} bytes", result.Reason);
        // 16 of the 64 MiB inflated: well under half of the compressed stream was needed to learn that.
        Assert.True(body.BytesGiven < bomb.Length / 2, $"read {body.BytesGiven} of {bomb.Length} compressed bytes");
    }

    [Theory]
    [InlineData(SmallLimit, true)]
    [InlineData(SmallLimit + 1, false)]
    public async Task DecompressedSizeIsHeldToTheLimit(int size, bool accepted)
    {
        byte[] compressed = Gzip(new byte[size]);

        using BodyReadResult result = await Read(new TrickleStream(compressed), Protobuf, "gzip", compressed.Length);

        Assert.Equal(accepted, result.Succeeded);
        Assert.Equal(accepted ? 200 : 413, result.StatusCode);
        Assert.Equal(accepted ? size : 0, result.Succeeded ? result.Length : 0);
    }

    [Fact]
    public async Task CompressedSizeAboveTheLimitIsRefusedWith413()
    {
        // Random bytes do not compress: the compressed body itself passes the limit.
        byte[] compressed = Gzip(RandomBytes(SmallLimit * 3, seed: 3));
        var body = new TrickleStream(compressed);

        using BodyReadResult result = await Read(body, Protobuf, "gzip", null);

        Assert.Equal(413, result.StatusCode);
        Assert.Equal($"body exceeds the limit of {SmallLimit} bytes", result.Reason);
        Assert.Equal(SmallLimit + 1, body.BytesGiven);
    }

    [Fact]
    public async Task NonGzipBytesAreRefusedWith400()
    {
        byte[] notGzip = OtlpSamples.Traces().ToByteArray();

        using BodyReadResult result = await Read(new TrickleStream(notGzip), Protobuf, "gzip", notGzip.Length, OtlpRequestBody.DefaultMaxBytes);

        Assert.Equal(400, result.StatusCode);
        Assert.NotNull(result.Reason);
        Assert.StartsWith("malformed gzip body: ", result.Reason, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', result.Reason);
    }

    [Fact]
    public async Task CorruptGzipIsRefusedWith400()
    {
        byte[] compressed = Gzip(RandomBytes(5000, seed: 4));
        compressed[compressed.Length / 2] ^= 0xFF;
        compressed[(compressed.Length / 2) + 1] ^= 0xFF;

        using BodyReadResult result = await Read(new TrickleStream(compressed), Protobuf, "gzip", compressed.Length, OtlpRequestBody.DefaultMaxBytes);

        Assert.Equal(400, result.StatusCode);
        Assert.StartsWith("malformed gzip body: ", result.Reason, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(4)]
    [InlineData(8)]
    [InlineData(9)]
    [InlineData(20)]
    [InlineData(500)]
    [InlineData(10_000)]
    public async Task TruncatedGzipIsRefusedWith400(int cut)
    {
        // GZipStream itself returns a cut body's prefix without complaint.
        byte[] compressed = Gzip(CompressibleBytes(100_000, seed: 5));
        byte[] truncated = compressed[..^cut];

        using BodyReadResult result = await Read(new TrickleStream(truncated), Protobuf, "gzip", truncated.Length, OtlpRequestBody.DefaultMaxBytes);

        Assert.Equal(400, result.StatusCode);
        Assert.StartsWith("malformed gzip body: ", result.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TooShortForGzipIsRefusedWith400()
    {
        using BodyReadResult result = await Read(new TrickleStream([0x1f, 0x8b]), Protobuf, "gzip", 2);

        Assert.Equal(400, result.StatusCode);
    }

    [Theory]
    [InlineData("")] // what .NET's GZipStream writes for no data
    [InlineData("1f8b080000000000020303000000000000000000")] // a member holding nothing, as zlib writes it
    public async Task GzipOfNothingIsAnEmptyBody(string compressedHex)
    {
        byte[] compressed = Convert.FromHexString(compressedHex);

        using BodyReadResult result = await Read(new TrickleStream(compressed), Protobuf, "gzip", compressed.Length);

        Assert.True(result.Succeeded, result.Reason);
        Assert.Equal(0, result.Length);
    }

    [Fact]
    public async Task ConcatenatedGzipMembersAreOneBody()
    {
        byte[] first = CompressibleBytes(3000, seed: 6);
        byte[] second = CompressibleBytes(500, seed: 7);
        byte[] compressed = [.. Gzip(first), .. Gzip(second)];

        using BodyReadResult result = await Read(new TrickleStream(compressed, maxChunk: 100), Protobuf, "gzip", compressed.Length, OtlpRequestBody.DefaultMaxBytes);

        Assert.True(result.Succeeded, result.Reason);
        Assert.Equal([.. first, .. second], result.Span.ToArray());
    }

    [Fact]
    public async Task DisposeReleasesTheBufferOnce()
    {
        BodyReadResult result = await Read(new TrickleStream([1, 2, 3]), Protobuf, null, 3);
        Assert.Equal(new byte[] { 1, 2, 3 }, result.Memory.ToArray());

        result.Dispose();
        result.Dispose();

        Assert.Throws<ObjectDisposedException>(() => result.Memory);
    }

    [Fact]
    public async Task RefusedResultHasNoBody()
    {
        using BodyReadResult result = await Read(new TrickleStream([1]), "text/plain", null, 1);

        Assert.Throws<InvalidOperationException>(() => result.Memory);
    }

    [Fact]
    public async Task CancellationPropagates()
    {
        using var cts = new CancellationTokenSource();
        await cts.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(
            async () => await OtlpRequestBody.ReadAsync(new TrickleStream([1, 2]), Protobuf, null, 2, SmallLimit, cts.Token));
    }

    private static ValueTask<BodyReadResult> Read(Stream body, string? contentType, string? contentEncoding, long? contentLength, int maxBytes = SmallLimit) =>
        OtlpRequestBody.ReadAsync(body, contentType, contentEncoding, contentLength, maxBytes, CancellationToken.None);

    private static byte[] Gzip(byte[] data)
    {
        using var output = new MemoryStream();
        using (var gzip = new GZipStream(output, CompressionLevel.Optimal, leaveOpen: true))
        {
            gzip.Write(data);
        }

        return output.ToArray();
    }

    private static byte[] CompressibleBytes(int length, int seed)
    {
        var random = new Random(seed);
        var bytes = new byte[length];
        for (int i = 0; i < length; i++)
        {
            bytes[i] = (byte)random.Next(16);
        }

        return bytes;
    }

    private static byte[] RandomBytes(int length, int seed)
    {
        var bytes = new byte[length];
        new Random(seed).NextBytes(bytes);
        return bytes;
    }
}
