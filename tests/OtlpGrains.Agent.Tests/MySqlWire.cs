using System.Text;
using Xunit;

namespace OtlpGrains.Agent.Tests;

/// <summary>MySQL client/server protocol packets, written from the protocol documentation.</summary>
internal static class MySqlWire
{
    public const uint ClientConnectWithDb = 0x8;
    public const uint ClientProtocol41 = 0x200;
    public const uint ClientSecureConnection = 0x8000;
    public const uint ClientPluginAuth = 0x80000;
    public const uint ClientDeprecateEof = 0x0100_0000;

    public static byte[] Packet(byte sequence, params byte[][] parts)
    {
        var length = parts.Sum(p => p.Length);
        var packet = new byte[4 + length];
        packet[0] = (byte)length;
        packet[1] = (byte)(length >> 8);
        packet[2] = (byte)(length >> 16);
        packet[3] = sequence;
        var offset = 4;
        foreach (var part in parts)
        {
            part.CopyTo(packet, offset);
            offset += part.Length;
        }

        return packet;
    }

    public static byte[] Text(string text) => Encoding.UTF8.GetBytes(text);

    public static byte[] CString(string text) => Encoding.UTF8.GetBytes(text + "\0");

    public static byte[] UInt32(uint value) => [(byte)value, (byte)(value >> 8), (byte)(value >> 16), (byte)(value >> 24)];

    public static byte[] Greeting(string version, uint capabilities = 0xF7FF | ClientPluginAuth | ClientDeprecateEof) => Packet(0,
        [10], CString(version), UInt32(12), Text("abcdefgh"), [0],
        [(byte)capabilities, (byte)(capabilities >> 8)], [0x21], [2, 0], [(byte)(capabilities >> 16), (byte)(capabilities >> 24)],
        [21], new byte[10], Text("ijklmnopqrst"), [0], CString("mysql_native_password"));

    public static byte[] HandshakeResponse(string user, string? database, uint capabilities)
    {
        if (database is not null)
        {
            capabilities |= ClientConnectWithDb;
        }

        var auth = new byte[20];
        Array.Fill(auth, (byte)0x5a);
        return Packet(1, UInt32(capabilities | ClientProtocol41 | ClientSecureConnection | ClientPluginAuth), UInt32(16 * 1024 * 1024), [0x21],
            new byte[23], CString(user), [20], auth, database is null ? [] : CString(database), CString("mysql_native_password"));
    }

    public static byte[] Ok(byte sequence, ushort status = 2) => Packet(sequence, [0x00, 0x00, 0x00, (byte)status, (byte)(status >> 8), 0, 0]);

    public static byte[] Eof(byte sequence, ushort status = 2) => Packet(sequence, [0xfe, 0, 0, (byte)status, (byte)(status >> 8)]);

    /// <summary>The OK packet that ends a result set when both sides use CLIENT_DEPRECATE_EOF.</summary>
    public static byte[] EofOk(byte sequence, ushort status = 2) => Packet(sequence, [0xfe, 0x00, 0x00, (byte)status, (byte)(status >> 8), 0, 0]);

    public static byte[] Error(byte sequence, ushort code, string state, string message) =>
        Packet(sequence, [0xff, (byte)code, (byte)(code >> 8)], Text("#" + state), Text(message));

    public static byte[] Query(string sql) => Packet(0, [0x03], Text(sql));

    public static byte[] Prepare(string sql) => Packet(0, [0x16], Text(sql));

    public static byte[] Execute(uint statementId) => Packet(0, [0x17], UInt32(statementId), [0], UInt32(1));

    public static byte[] Close(uint statementId) => Packet(0, [0x19], UInt32(statementId));

    public static byte[] PrepareOk(byte sequence, uint statementId, ushort columns, ushort parameters) =>
        Packet(sequence, [0x00], UInt32(statementId), [(byte)columns, (byte)(columns >> 8), (byte)parameters, (byte)(parameters >> 8), 0, 0, 0]);

    public static byte[] LengthEncoded(string text)
    {
        var bytes = Encoding.UTF8.GetBytes(text);
        Assert.True(bytes.Length < 251);
        return [(byte)bytes.Length, .. bytes];
    }

    public static byte[] ColumnCount(byte sequence, byte count) => Packet(sequence, [count]);

    public static byte[] Column(byte sequence, string name) => Packet(sequence, LengthEncoded("def"), LengthEncoded("shop"), LengthEncoded("t"),
        LengthEncoded("t"), LengthEncoded(name), LengthEncoded(name), [0x0c, 0x21, 0, 0xff, 0, 0, 0, 0xfd, 0, 0, 0, 0, 0]);

    public static byte[] Row(byte sequence, params string[] values) => Packet(sequence, values.Select(LengthEncoded).SelectMany(v => v).ToArray());

    public static byte[] Concat(params byte[][] packets) => packets.SelectMany(p => p).ToArray();
}
