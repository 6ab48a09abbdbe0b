using System.Buffers.Binary;
using System.Text;
using Xunit;

namespace OtlpGrains.Agent.Tests;

/// <summary>PostgreSQL protocol 3.0 messages, written from the protocol documentation.</summary>
internal static class PostgresWire
{
    public static byte[] Startup(string user, string? database)
    {
        var parameters = new StringBuilder().Append("user\0").Append(user).Append('\0');
        if (database is not null)
        {
            parameters.Append("database\0").Append(database).Append('\0');
        }

        parameters.Append('\0');
        var body = Encoding.ASCII.GetBytes(parameters.ToString());
        var message = new byte[8 + body.Length];
        BinaryPrimitives.WriteInt32BigEndian(message, message.Length);
        BinaryPrimitives.WriteInt32BigEndian(message.AsSpan(4), 0x0003_0000);
        body.CopyTo(message, 8);
        return message;
    }

    public static byte[] Message(char type, params byte[][] parts)
    {
        var length = 4 + parts.Sum(p => p.Length);
        var message = new byte[1 + length];
        message[0] = (byte)type;
        BinaryPrimitives.WriteInt32BigEndian(message.AsSpan(1), length);
        var offset = 5;
        foreach (var part in parts)
        {
            part.CopyTo(message, offset);
            offset += part.Length;
        }

        return message;
    }

    public static byte[] CString(string text) => Encoding.UTF8.GetBytes(text + "\0");

    public static byte[] Int16(short value)
    {
        var bytes = new byte[2];
        BinaryPrimitives.WriteInt16BigEndian(bytes, value);
        return bytes;
    }

    public static byte[] Int32(int value)
    {
        var bytes = new byte[4];
        BinaryPrimitives.WriteInt32BigEndian(bytes, value);
        return bytes;
    }

    public static byte[] Query(string sql) => Message('Q', CString(sql));

    public static byte[] Parse(string name, string sql) => Message('P', CString(name), CString(sql), Int16(0));

    public static byte[] Bind(string portal, string statement) => Message('B', CString(portal), CString(statement), Int16(0), Int16(0), Int16(0));

    public static byte[] Describe(string portal) => Message('D', [(byte)'P'], CString(portal));

    public static byte[] Execute(string portal) => Message('E', CString(portal), Int32(0));

    public static byte[] Sync() => Message('S');

    public static byte[] AuthenticationOk() => Message('R', Int32(0));

    public static byte[] ParameterStatus(string name, string value) => Message('S', CString(name), CString(value));

    public static byte[] ReadyForQuery(char status = 'I') => Message('Z', [(byte)status]);

    public static byte[] RowDescription(string column) =>
        Message('T', Int16(1), CString(column), Int32(0), Int16(0), Int32(23), Int16(4), Int32(-1), Int16(0));

    public static byte[] DataRow(string value) => Message('D', Int16(1), Int32(Encoding.UTF8.GetByteCount(value)), Encoding.UTF8.GetBytes(value));

    public static byte[] CommandComplete(string tag) => Message('C', CString(tag));

    public static byte[] Error(string sqlState, string text) =>
        Message('E', [(byte)'S'], CString("ERROR"), [(byte)'C'], CString(sqlState), [(byte)'M'], CString(text), [0]);

    public static byte[] Concat(params byte[][] messages)
    {
        var all = messages.SelectMany(m => m).ToArray();
        Assert.NotEmpty(all);
        return all;
    }
}
