using OtlpGrains.Agent.Protocols;

namespace OtlpGrains.Fuzz;

/// <summary>
/// A connection's captured chunks as one fuzz input, so that the fuzzer mutates both the bytes and how they are cut
/// into syscalls. Each chunk: a flags byte (bit 0 ingress, bit 1 a two-byte length, bit 2 truncated), its length (one
/// byte, or two little-endian bytes capped at the capture size), its bytes; a truncated chunk then gives how many bytes
/// the syscall had beyond the captured ones (two bytes), a tail length (one byte) and the tail, as the capture probes
/// deliver a long syscall's head and last bytes. A short input ends the script where it stops.
/// </summary>
public static class CaptureScript
{
    /// <summary>The probes' largest capture per syscall (SocketCaptureOptions.MaxCaptureBytes).</summary>
    public const int MaxChunkBytes = 4096;

    private const int Ingress = 1;
    private const int LongLength = 2;
    private const int Truncated = 4;

    /// <summary>Feeds each chunk of <paramref name="script"/> to <paramref name="parser"/>, as the connection tracker does.</summary>
    public static void Play(ReadOnlySpan<byte> script, IProtocolParser parser)
    {
        ArgumentNullException.ThrowIfNull(parser);
        long timestampNs = 1_000_000;
        while (TryNext(ref script, out var chunk))
        {
            timestampNs += 1_000;
            parser.OnData(chunk.Direction, timestampNs, chunk.Data, chunk.OriginalLength, chunk.Tail);
        }
    }

    /// <summary>Cuts the next chunk off the front of <paramref name="script"/>.</summary>
    public static bool TryNext(ref ReadOnlySpan<byte> script, out CapturedChunk chunk)
    {
        chunk = default;
        if (script.IsEmpty)
        {
            return false;
        }

        int flags = script[0];
        script = script[1..];
        int length;
        if ((flags & LongLength) != 0)
        {
            if (script.Length < 2)
            {
                return false;
            }

            length = Math.Min(script[0] | (script[1] << 8), MaxChunkBytes);
            script = script[2..];
        }
        else
        {
            if (script.IsEmpty)
            {
                return false;
            }

            length = script[0];
            script = script[1..];
        }

        var data = script[..Math.Min(length, script.Length)];
        script = script[data.Length..];
        int originalLength = data.Length;
        ReadOnlySpan<byte> tail = default;
        if ((flags & Truncated) != 0 && script.Length >= 3)
        {
            int skipped = script[0] | (script[1] << 8);
            int tailLength = script[2];
            script = script[3..];
            tail = script[..Math.Min(tailLength, script.Length)];
            script = script[tail.Length..];
            originalLength = data.Length + skipped + tail.Length;
        }

        chunk = new CapturedChunk((flags & Ingress) != 0 ? Direction.Ingress : Direction.Egress, data, originalLength, tail);
        return true;
    }

    /// <summary>Writes a whole chunk (nothing cut) in the script's format.</summary>
    public static void Append(List<byte> script, Direction direction, ReadOnlySpan<byte> data)
    {
        ArgumentNullException.ThrowIfNull(script);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(data.Length, MaxChunkBytes);
        int flags = (direction == Direction.Ingress ? Ingress : 0) | (data.Length > byte.MaxValue ? LongLength : 0);
        script.Add((byte)flags);
        script.Add((byte)data.Length);
        if (data.Length > byte.MaxValue)
        {
            script.Add((byte)(data.Length >> 8));
        }

        script.AddRange(data);
    }
}

/// <summary>One syscall's capture: its head, how long it really was, and its last bytes when it was cut.</summary>
public readonly ref struct CapturedChunk(Direction direction, ReadOnlySpan<byte> data, int originalLength, ReadOnlySpan<byte> tail)
{
    public Direction Direction { get; } = direction;

    public ReadOnlySpan<byte> Data { get; } = data;

    public int OriginalLength { get; } = originalLength;

    public ReadOnlySpan<byte> Tail { get; } = tail;
}
