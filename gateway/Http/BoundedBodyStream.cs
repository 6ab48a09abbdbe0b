namespace OtlpGrains.Gateway.Http;

/// <summary>
/// A read-only view of a request body that ends early once more than a limit of bytes has arrived, and remembers
/// that it did. It never asks the inner stream for more than one byte past the limit, so a body that lies about
/// its length (or has none) costs at most the limit to refuse. It also keeps the last four bytes it passed on,
/// where a gzip body carries its decompressed size.
/// </summary>
internal sealed class BoundedBodyStream(Stream inner, long limit) : Stream
{
    private uint _tail;

    /// <summary>Bytes read from the inner stream, at most the limit plus one.</summary>
    public long BytesRead { get; private set; }

    /// <summary>More than the limit arrived; the stream has reported its end since.</summary>
    public bool LimitExceeded { get; private set; }

    /// <summary>The last four bytes passed on, read as a little-endian integer (fewer bytes fill the high end).</summary>
    public uint LastFourBytes => _tail;

    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => false;

    public override long Length => throw new NotSupportedException();

    public override long Position
    {
        get => throw new NotSupportedException();
        set => throw new NotSupportedException();
    }

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        if (LimitExceeded || buffer.IsEmpty)
        {
            return 0;
        }

        int read = await inner.ReadAsync(buffer[..Allowance(buffer.Length)], cancellationToken);
        return Count(buffer.Span[..read]);
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override int Read(Span<byte> buffer)
    {
        if (LimitExceeded || buffer.IsEmpty)
        {
            return 0;
        }

        int read = inner.Read(buffer[..Allowance(buffer.Length)]);
        return Count(buffer[..read]);
    }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    private int Allowance(int wanted) => (int)Math.Min(wanted, limit - BytesRead + 1);

    private int Count(ReadOnlySpan<byte> read)
    {
        BytesRead += read.Length;
        if (BytesRead > limit)
        {
            // Report the end: the caller checks LimitExceeded before trusting what it has.
            LimitExceeded = true;
            return 0;
        }

        foreach (byte b in read.Length > 4 ? read[^4..] : read)
        {
            _tail = (_tail >> 8) | ((uint)b << 24);
        }

        return read.Length;
    }
}
