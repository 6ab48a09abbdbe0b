using System.Buffers;

namespace OtlpGrains.Gateway.Otlp;

/// <summary>Reads a body that may arrive in segments (gRPC) with a reader that wants one contiguous span.</summary>
internal static class ProtobufBody
{
    public delegate T SpanReader<out T>(ReadOnlySpan<byte> body);

    /// <summary>
    /// A single segment is read in place; several are copied once into a pooled buffer (the body's size is already
    /// bounded by the receiver's limit), which costs far less than decoding them piecewise.
    /// </summary>
    public static T Read<T>(ReadOnlySequence<byte> body, SpanReader<T> read)
    {
        if (body.IsSingleSegment)
        {
            return read(body.FirstSpan);
        }

        int length = checked((int)body.Length);
        byte[] buffer = ArrayPool<byte>.Shared.Rent(length);
        try
        {
            body.CopyTo(buffer);
            return read(buffer.AsSpan(0, length));
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }
}
