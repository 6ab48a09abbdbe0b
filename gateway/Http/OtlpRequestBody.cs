using System.Buffers;
using System.Diagnostics.CodeAnalysis;
using System.IO.Compression;
using System.Net;

namespace OtlpGrains.Gateway.Http;

/// <summary>
/// Reads an OTLP/HTTP request body into a pooled buffer, independent of ASP.NET so that it is easy to test: picks
/// the format from the media type, inflates gzip, and enforces one size limit on the declared, the received and
/// the decompressed length.
/// </summary>
internal static class OtlpRequestBody
{
    /// <summary>The gateway's default body limit (16 MiB), for both the compressed and the decompressed size.</summary>
    public const int DefaultMaxBytes = 16 * 1024 * 1024;

    private const int InitialBufferBytes = 64 * 1024;

    /// <summary>A gzip body usually inflates several times; start the output buffer this many times larger.</summary>
    private const int GzipSizeGuess = 4;

    /// <summary>A 10-byte header, an empty deflate block and the 8-byte trailer.</summary>
    private const int MinGzipBytes = 20;

    private const string SupportedMediaTypes = "use application/x-protobuf or application/json";

    /// <summary>
    /// Reads the whole body. Refusals come back as a failed <see cref="BodyReadResult"/> (415 for the media type
    /// or encoding, 413 past <paramref name="maxBytes"/>, 400 for malformed gzip or a body whose length differs
    /// from <paramref name="contentLength"/>); errors of the stream itself (a client that went away, cancellation)
    /// propagate. The caller disposes the result to return its buffer.
    /// </summary>
    public static async ValueTask<BodyReadResult> ReadAsync(
        Stream body,
        string? contentType,
        string? contentEncoding,
        long? contentLength,
        int maxBytes,
        CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(body);
        ArgumentOutOfRangeException.ThrowIfNegative(maxBytes);
        maxBytes = Math.Min(maxBytes, Array.MaxLength - 1);

        if (!TryGetFormat(contentType, out OtlpBodyFormat format, out string? mediaTypeProblem))
        {
            return BodyReadResult.Failure(HttpStatusCode.UnsupportedMediaType, mediaTypeProblem);
        }

        if (!TryGetGzip(contentEncoding, out bool gzip, out string? encodingProblem))
        {
            return BodyReadResult.Failure(HttpStatusCode.UnsupportedMediaType, encodingProblem);
        }

        if (contentLength > maxBytes)
        {
            return TooLarge($"body of {contentLength} bytes exceeds the limit of {maxBytes} bytes");
        }

        var received = new BoundedBodyStream(body, maxBytes);
        byte[]? buffer = null;
        try
        {
            int length;
            if (gzip)
            {
                int guess = contentLength is long declared ? (int)Math.Min(declared * GzipSizeGuess, maxBytes) : InitialBufferBytes;
                try
                {
                    await using var inflater = new GZipStream(received, CompressionMode.Decompress, leaveOpen: true);
                    (buffer, length) = await ReadToLimitAsync(inflater, guess, maxBytes, ct);
                }
                catch (InvalidDataException ex)
                {
                    // A body cut short at the limit looks truncated to the inflater: that is a 413, not a 400.
                    return received.LimitExceeded
                        ? TooLarge($"body exceeds the limit of {maxBytes} bytes")
                        : BodyReadResult.Failure(HttpStatusCode.BadRequest, "malformed gzip body: " + OneLine(ex.Message));
                }

                if (received.LimitExceeded)
                {
                    return TooLarge($"body exceeds the limit of {maxBytes} bytes");
                }

                if (length > maxBytes)
                {
                    return TooLarge($"decompressed body exceeds the limit of {maxBytes} bytes");
                }

                // GZipStream ends quietly when the input stops early. A gzip body ends with the size of its last
                // member; a cut body ends with deflate data, which almost never reads as a size this small.
                // An empty body passes as empty: .NET's own GZipStream writes nothing for no data.
                bool empty = received.BytesRead == 0;
                if (!empty && (received.BytesRead < MinGzipBytes || received.LastFourBytes > (uint)length))
                {
                    return BodyReadResult.Failure(HttpStatusCode.BadRequest, "malformed gzip body: the data ends before its trailer");
                }
            }
            else
            {
                int guess = contentLength is long declared ? (int)declared : InitialBufferBytes;
                (buffer, length) = await ReadToLimitAsync(received, guess, maxBytes, ct);
                if (received.LimitExceeded)
                {
                    return TooLarge($"body exceeds the limit of {maxBytes} bytes");
                }
            }

            if (contentLength is long expected && expected != received.BytesRead)
            {
                return BodyReadResult.Failure(
                    HttpStatusCode.BadRequest,
                    $"body has {received.BytesRead} bytes but Content-Length declares {expected}");
            }

            BodyReadResult success = BodyReadResult.Success(format, buffer, length);
            buffer = null;
            return success;
        }
        finally
        {
            if (buffer is not null)
            {
                ArrayPool<byte>.Shared.Return(buffer);
            }
        }
    }

    /// <summary>
    /// Reads until the end or until one byte more than <paramref name="maxBytes"/> is in hand (a length above the
    /// limit tells the caller to refuse), so a gzip bomb is inflated no further than the limit.
    /// </summary>
    private static async ValueTask<(byte[] Buffer, int Length)> ReadToLimitAsync(Stream source, int sizeGuess, int maxBytes, CancellationToken ct)
    {
        int cap = maxBytes + 1;
        byte[] buffer = ArrayPool<byte>.Shared.Rent(Math.Min(Math.Max(sizeGuess, 0) + 1, cap));
        int length = 0;
        try
        {
            while (length < cap)
            {
                if (length == buffer.Length)
                {
                    byte[] larger = ArrayPool<byte>.Shared.Rent((int)Math.Min((long)buffer.Length * 2, cap));
                    buffer.AsSpan(0, length).CopyTo(larger);
                    ArrayPool<byte>.Shared.Return(buffer);
                    buffer = larger;
                }

                int read = await source.ReadAsync(buffer.AsMemory(length, Math.Min(buffer.Length, cap) - length), ct);
                if (read == 0)
                {
                    break;
                }

                length += read;
            }

            return (buffer, length);
        }
        catch
        {
            ArrayPool<byte>.Shared.Return(buffer);
            throw;
        }
    }

    private static bool TryGetFormat(string? contentType, out OtlpBodyFormat format, [NotNullWhen(false)] out string? problem)
    {
        format = default;
        problem = null;
        ReadOnlySpan<char> mediaType = contentType;
        int parameters = mediaType.IndexOf(';');
        if (parameters >= 0)
        {
            mediaType = mediaType[..parameters];
        }

        mediaType = mediaType.Trim();
        if (mediaType.Equals("application/x-protobuf", StringComparison.OrdinalIgnoreCase))
        {
            format = OtlpBodyFormat.Protobuf;
            return true;
        }

        if (mediaType.Equals("application/json", StringComparison.OrdinalIgnoreCase))
        {
            format = OtlpBodyFormat.Json;
            return true;
        }

        problem = mediaType.IsEmpty
            ? $"missing Content-Type: {SupportedMediaTypes}"
            : $"unsupported Content-Type '{Shorten(mediaType)}': {SupportedMediaTypes}";
        return false;
    }

    private static bool TryGetGzip(string? contentEncoding, out bool gzip, [NotNullWhen(false)] out string? problem)
    {
        gzip = false;
        problem = null;
        ReadOnlySpan<char> encoding = contentEncoding.AsSpan().Trim();
        if (encoding.IsEmpty || encoding.Equals("identity", StringComparison.OrdinalIgnoreCase))
        {
            return true;
        }

        // RFC 9110 asks recipients to treat x-gzip as gzip.
        if (encoding.Equals("gzip", StringComparison.OrdinalIgnoreCase) || encoding.Equals("x-gzip", StringComparison.OrdinalIgnoreCase))
        {
            gzip = true;
            return true;
        }

        problem = $"unsupported Content-Encoding '{Shorten(encoding)}': use gzip or identity";
        return false;
    }

    private static BodyReadResult TooLarge(string reason) => BodyReadResult.Failure(HttpStatusCode.RequestEntityTooLarge, reason);

    /// <summary>Echoes at most a short, printable prefix of a header value back to the client.</summary>
    private static string Shorten(ReadOnlySpan<char> value)
    {
        const int MaxEcho = 64;
        string text = value.Length > MaxEcho ? string.Concat(value[..MaxEcho], "...") : value.ToString();
        return OneLine(text);
    }

    private static string OneLine(string text) => text.ReplaceLineEndings(" ").Trim();
}
