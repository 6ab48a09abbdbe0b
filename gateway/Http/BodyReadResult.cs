using System.Buffers;
using System.Diagnostics.CodeAnalysis;
using System.Net;

namespace OtlpGrains.Gateway.Http;

/// <summary>
/// The outcome of reading an OTLP/HTTP body: either the (decompressed) bytes in a buffer rented from
/// <see cref="ArrayPool{T}.Shared"/>, returned to the pool on <see cref="Dispose"/>, or the HTTP status and a
/// one-line reason to refuse the request with.
/// </summary>
internal sealed class BodyReadResult : IDisposable
{
    private byte[]? _buffer;

    private BodyReadResult(OtlpBodyFormat format, byte[] buffer, int length)
    {
        Format = format;
        _buffer = buffer;
        Length = length;
        StatusCode = (int)HttpStatusCode.OK;
    }

    private BodyReadResult(HttpStatusCode status, string reason)
    {
        StatusCode = (int)status;
        Reason = reason;
    }

    /// <summary>True when the body was read; false when the request must be refused with <see cref="StatusCode"/>.</summary>
    [MemberNotNullWhen(false, nameof(Reason))]
    public bool Succeeded => Reason is null;

    /// <summary>200 on success; otherwise 400, 413 or 415.</summary>
    public int StatusCode { get; }

    /// <summary>Why the request is refused, one line for the client; null on success.</summary>
    public string? Reason { get; }

    /// <summary>The body's encoding (meaningful on success only).</summary>
    public OtlpBodyFormat Format { get; }

    /// <summary>The number of body bytes in the buffer.</summary>
    public int Length { get; }

    /// <summary>The body bytes; valid until <see cref="Dispose"/>.</summary>
    public ReadOnlySpan<byte> Span => Memory.Span;

    /// <summary>The body bytes; valid until <see cref="Dispose"/>.</summary>
    public ReadOnlyMemory<byte> Memory
    {
        get
        {
            if (!Succeeded)
            {
                throw new InvalidOperationException($"The body was refused ({StatusCode}): {Reason}");
            }

            byte[] buffer = _buffer ?? throw new ObjectDisposedException(nameof(BodyReadResult));
            return buffer.AsMemory(0, Length);
        }
    }

    public static BodyReadResult Success(OtlpBodyFormat format, byte[] pooledBuffer, int length) => new(format, pooledBuffer, length);

    public static BodyReadResult Failure(HttpStatusCode status, string reason) => new(status, reason);

    public void Dispose()
    {
        byte[]? buffer = Interlocked.Exchange(ref _buffer, null);
        if (buffer is not null)
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }
}
