using Google.Protobuf;
using Grpc.Core;

namespace OtlpGrains.LoadTool;

/// <summary>
/// How long to wait before retrying a throttled export: the server's <c>google.rpc.RetryInfo</c> when it sent one
/// (OTLP's way to ask for a pause), else exponential backoff; jittered, and never more than <see cref="Max"/>.
/// </summary>
internal static class RetryDelay
{
    public static readonly TimeSpan Max = TimeSpan.FromSeconds(2);

    private const string RetryInfoType = "type.googleapis.com/google.rpc.RetryInfo";

    private static readonly TimeSpan First = TimeSpan.FromMilliseconds(50);

    public static TimeSpan For(RpcException ex, int attempt, Random random) => For(FromServer(ex.Trailers), attempt, random);

    /// <summary>The wait before retry <paramref name="attempt"/> when the server asked for <paramref name="serverHint"/> (null: it did not).</summary>
    public static TimeSpan For(TimeSpan? serverHint, int attempt, Random random)
    {
        TimeSpan wait = serverHint ?? First * Math.Pow(2, Math.Min(attempt, 10));
        if (wait > Max)
        {
            wait = Max;
        }

        // Between half and all of the wait, so that throttled senders do not come back in step.
        return wait * (0.5 + (random.NextDouble() / 2));
    }

    /// <summary>Reads RetryInfo.retry_delay from the binary google.rpc.Status trailer, if present.</summary>
    public static TimeSpan? FromServer(Metadata trailers)
    {
        byte[]? status = trailers.GetValueBytes("grpc-status-details-bin");
        if (status is null)
        {
            return null;
        }

        try
        {
            // google.rpc.Status { repeated Any details = 3; } Any { string type_url = 1; bytes value = 2; }
            foreach (ByteString any in Fields(status, 3))
            {
                if (Fields(any.Span, 1).FirstOrDefault()?.ToStringUtf8() != RetryInfoType)
                {
                    continue;
                }

                // RetryInfo { Duration retry_delay = 1; } Duration { int64 seconds = 1; int32 nanos = 2; }
                ByteString? retryInfo = Fields(any.Span, 2).FirstOrDefault();
                ByteString? delay = retryInfo is null ? null : Fields(retryInfo.Span, 1).FirstOrDefault();
                return delay is null ? null : ReadDuration(delay.Span);
            }
        }
        catch (InvalidProtocolBufferException)
        {
            // A malformed detail is no reason to stop retrying; fall back to backoff.
        }

        return null;
    }

    /// <summary>The length-delimited fields with this number.</summary>
    private static List<ByteString> Fields(ReadOnlySpan<byte> message, int fieldNumber)
    {
        var found = new List<ByteString>();
        var input = new CodedInputStream(message.ToArray());
        for (uint tag; (tag = input.ReadTag()) != 0;)
        {
            if (WireFormat.GetTagFieldNumber(tag) == fieldNumber && WireFormat.GetTagWireType(tag) == WireFormat.WireType.LengthDelimited)
            {
                found.Add(input.ReadBytes());
            }
            else
            {
                input.SkipLastField();
            }
        }

        return found;
    }

    private static TimeSpan ReadDuration(ReadOnlySpan<byte> duration)
    {
        long seconds = 0;
        int nanos = 0;
        var input = new CodedInputStream(duration.ToArray());
        for (uint tag; (tag = input.ReadTag()) != 0;)
        {
            switch (WireFormat.GetTagFieldNumber(tag))
            {
                case 1:
                    seconds = input.ReadInt64();
                    break;
                case 2:
                    nanos = input.ReadInt32();
                    break;
                default:
                    input.SkipLastField();
                    break;
            }
        }

        // Clamp before converting: a huge value must not overflow TimeSpan.
        return seconds >= Max.TotalSeconds ? Max : TimeSpan.FromSeconds(Math.Max(0, seconds)) + TimeSpan.FromTicks(Math.Max(0, nanos) / 100);
    }
}
