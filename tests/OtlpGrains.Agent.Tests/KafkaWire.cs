using OtlpGrains.TestSupport;
using Xunit;

namespace OtlpGrains.Agent.Tests;

/// <summary>Kafka protocol requests and responses, written from the protocol guide (fixed and flexible versions).</summary>
internal static class KafkaWire
{
    public static bool IsFlexible(short apiKey, short version) => apiKey switch
    {
        0 => version >= 9,
        1 => version >= 12,
        18 => version >= 3,
        _ => false,
    };

    public static byte[] Request(short apiKey, short version, int correlationId, string? clientId, byte[] body)
    {
        var writer = new KafkaFrameWriter();
        writer.Int16(apiKey).Int16(version).Int32(correlationId).String(clientId);
        if (IsFlexible(apiKey, version))
        {
            writer.Int8(0);
        }

        writer.Raw(body);
        byte[] framed = writer.Framed();
        Assert.True(framed.Length > 4);
        return framed;
    }

    public static byte[] Response(short apiKey, short version, int correlationId, byte[] body)
    {
        var writer = new KafkaFrameWriter().Int32(correlationId);
        if (IsFlexible(apiKey, version) && apiKey != 18)
        {
            writer.Int8(0);
        }

        byte[] framed = writer.Raw(body).Framed();
        Assert.True(framed.Length > 4);
        return framed;
    }

    public static byte[] ProduceBody(short version, string topic, short acks, int recordBytes = 60)
    {
        var writer = new KafkaFrameWriter();
        var flexible = version >= 9;
        if (version >= 3)
        {
            if (flexible)
            {
                writer.UVarInt(0);
            }
            else
            {
                writer.Int16(-1);
            }
        }

        writer.Int16(acks).Int32(30_000);
        if (flexible)
        {
            writer.UVarInt(2).CompactString(topic).UVarInt(2).Int32(0).UVarInt((uint)recordBytes + 1).Raw(new byte[recordBytes]).Int8(0).Int8(0).Int8(0);
        }
        else
        {
            writer.Int32(1).String(topic).Int32(1).Int32(0).Int32(recordBytes).Raw(new byte[recordBytes]);
        }

        return writer.ToArray();
    }

    public static byte[] FetchBody(short version, string topic)
    {
        var writer = new KafkaFrameWriter();
        var flexible = version >= 12;
        writer.Int32(-1).Int32(500).Int32(1);
        if (version >= 3)
        {
            writer.Int32(50 * 1024 * 1024);
        }

        if (version >= 4)
        {
            writer.Int8(0);
        }

        if (version >= 7)
        {
            writer.Int32(0).Int32(-1);
        }

        if (flexible)
        {
            writer.UVarInt(2).CompactString(topic).UVarInt(2).Int32(0).Int32(-1).Int64(0).Int32(-1).Int64(-1).Int32(1024 * 1024).Int8(0).Int8(0)
                .UVarInt(1).CompactString("").Int8(0);
        }
        else
        {
            writer.Int32(1).String(topic).Int32(1).Int32(0);
            if (version >= 9)
            {
                writer.Int32(-1);
            }

            writer.Int64(0);
            if (version >= 5)
            {
                writer.Int64(-1);
            }

            writer.Int32(1024 * 1024);
        }

        return writer.ToArray();
    }

    public static byte[] ProduceResponseBody(short version, string topic, short errorCode)
    {
        var writer = new KafkaFrameWriter();
        if (version >= 9)
        {
            writer.UVarInt(2).CompactString(topic).UVarInt(2).Int32(0).Int16(errorCode).Int64(-1).Int64(-1).Int64(-1).UVarInt(1).UVarInt(0).Int8(0).Int8(0)
                .Int32(0).Int8(0);
        }
        else
        {
            writer.Int32(1).String(topic).Int32(1).Int32(0).Int16(errorCode).Int64(-1);
            if (version >= 2)
            {
                writer.Int64(-1);
            }

            if (version >= 1)
            {
                writer.Int32(0);
            }
        }

        return writer.ToArray();
    }

    public static byte[] FetchResponseBody(short version, short errorCode, int recordBytes = 100)
    {
        var writer = new KafkaFrameWriter();
        if (version >= 1)
        {
            writer.Int32(0);
        }

        if (version >= 7)
        {
            writer.Int16(errorCode).Int32(0);
        }

        writer.Raw(new byte[recordBytes]);
        return writer.ToArray();
    }
}
