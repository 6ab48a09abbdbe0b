using System.Buffers.Binary;
using System.Text;
using OtlpGrains.Agent.Protocols;
using OtlpGrains.Agent.Protocols.Http2;
using Xunit;

namespace OtlpGrains.Agent.Tests;

/// <summary>HTTP/2 frames (RFC 9113) and HPACK blocks (RFC 7541) written by hand for the tests.</summary>
internal static class Http2Wire
{
    public const byte Data = 0x0;
    public const byte Headers = 0x1;
    public const byte RstStream = 0x3;
    public const byte Settings = 0x4;
    public const byte Continuation = 0x9;
    public const byte EndStream = 0x1;
    public const byte EndHeaders = 0x4;
    public const byte Padded = 0x8;
    public const byte Priority = 0x20;

    public static byte[] Preface => ProtocolSniffer.Http2Preface.ToArray();

    public static byte[] Frame(byte type, byte flags, int streamId, byte[] payload)
    {
        var frame = new byte[9 + payload.Length];
        frame[0] = (byte)(payload.Length >> 16);
        frame[1] = (byte)(payload.Length >> 8);
        frame[2] = (byte)payload.Length;
        frame[3] = type;
        frame[4] = flags;
        BinaryPrimitives.WriteInt32BigEndian(frame.AsSpan(5), streamId);
        payload.CopyTo(frame, 9);
        return frame;
    }

    public static byte[] SettingsFrame(params (ushort Id, uint Value)[] settings)
    {
        var payload = new byte[6 * settings.Length];
        for (var i = 0; i < settings.Length; i++)
        {
            BinaryPrimitives.WriteUInt16BigEndian(payload.AsSpan(6 * i), settings[i].Id);
            BinaryPrimitives.WriteUInt32BigEndian(payload.AsSpan((6 * i) + 2), settings[i].Value);
        }

        return Frame(Settings, 0, 0, payload);
    }

    public static byte[] SettingsAck() => Frame(Settings, 0x1, 0, []);

    /// <summary>A gRPC message: compressed flag, length, bytes.</summary>
    public static byte[] GrpcMessage(int length)
    {
        var message = new byte[5 + length];
        BinaryPrimitives.WriteInt32BigEndian(message.AsSpan(1), length);
        return message;
    }

    public static byte[] Concat(params byte[][] parts) => parts.SelectMany(p => p).ToArray();

    public static byte[] Hex(string hex) => Convert.FromHexString(hex.Replace(" ", "", StringComparison.Ordinal));

    /// <summary>Builds one HPACK header block field by field.</summary>
    internal sealed class Block
    {
        private readonly List<byte> _bytes = [];

        public Block Indexed(int index) => Integer(0x80, 7, index);

        /// <summary>Literal with incremental indexing, name from the table.</summary>
        public Block Indexing(int nameIndex, string value, bool huffman = false) => Integer(0x40, 6, nameIndex).String(value, huffman);

        /// <summary>Literal with incremental indexing and a new name.</summary>
        public Block Indexing(string name, string value, bool huffman = false) => Integer(0x40, 6, 0).String(name, huffman).String(value, huffman);

        /// <summary>Literal without indexing and a new name.</summary>
        public Block NotIndexed(string name, string value, bool huffman = false) => Integer(0x00, 4, 0).String(name, huffman).String(value, huffman);

        /// <summary>Literal never indexed, name from the table.</summary>
        public Block NeverIndexed(int nameIndex, string value) => Integer(0x10, 4, nameIndex).String(value, huffman: false);

        public Block SizeUpdate(int size) => Integer(0x20, 5, size);

        public byte[] ToArray()
        {
            Assert.NotEmpty(_bytes);
            return [.. _bytes];
        }

        private Block String(string text, bool huffman)
        {
            var raw = Encoding.ASCII.GetBytes(text);
            if (!huffman)
            {
                Integer(0x00, 7, raw.Length);
                _bytes.AddRange(raw);
                return this;
            }

            var encoded = new byte[HuffmanCode.EncodedLength(raw)];
            Assert.Equal(encoded.Length, HuffmanCode.Encode(raw, encoded));
            Integer(0x80, 7, encoded.Length);
            _bytes.AddRange(encoded);
            return this;
        }

        private Block Integer(byte pattern, int prefixBits, int value)
        {
            var max = (1 << prefixBits) - 1;
            if (value < max)
            {
                _bytes.Add((byte)(pattern | value));
                return this;
            }

            _bytes.Add((byte)(pattern | max));
            value -= max;
            while (value >= 0x80)
            {
                _bytes.Add((byte)((value & 0x7f) | 0x80));
                value >>= 7;
            }

            _bytes.Add((byte)value);
            return this;
        }
    }
}
