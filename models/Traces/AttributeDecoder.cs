using System.Buffers.Binary;
using System.Globalization;
using System.Text;
using System.Text.Json;
using OtlpGrains.Interfaces;

namespace OtlpGrains.Models.Traces;

/// <summary>
/// Reads a kept span's attributes from their OTLP encoding (<see cref="SpanAttributes"/>). The gateway checked the
/// encoding when the request came in; this reader still stops at the first field it cannot read, so a bad byte costs
/// the rest of one span's attributes, never the trace.
/// </summary>
internal static class AttributeDecoder
{
    private const int SpanAttributesField = 9;
    private const int KeyField = 1;
    private const int ValueField = 2;
    private const int MaxDepth = 8;

    public static AttributeView[] Decode(ReadOnlySpan<byte> encoded)
    {
        if (encoded.IsEmpty)
        {
            return [];
        }

        var attributes = new List<AttributeView>();
        var reader = new Wire(encoded);
        while (reader.TryField(out int field, out int type))
        {
            if (field != SpanAttributesField || type != Wire.Len || !reader.TryBytes(out ReadOnlySpan<byte> keyValue)
                || !TryKeyValue(keyValue, out string key, out ReadOnlySpan<byte> value))
            {
                break;
            }

            if (TryValue(value, out string valueType, out string text))
            {
                attributes.Add(new AttributeView(key, valueType, text));
            }
        }

        return [.. attributes];
    }

    private static bool TryKeyValue(ReadOnlySpan<byte> encoded, out string key, out ReadOnlySpan<byte> value)
    {
        key = string.Empty;
        value = default;
        var reader = new Wire(encoded);
        while (reader.TryField(out int field, out int type))
        {
            if (type == Wire.Len && reader.TryBytes(out ReadOnlySpan<byte> bytes))
            {
                if (field == KeyField)
                {
                    key = Encoding.UTF8.GetString(bytes);
                }
                else if (field == ValueField)
                {
                    value = bytes;
                }
            }
            else if (!reader.TrySkip(type))
            {
                return false;
            }
        }

        return key.Length > 0;
    }

    // AnyValue: the last of its one-of fields wins, as a protobuf parser would have it.
    private static bool TryValue(ReadOnlySpan<byte> encoded, out string type, out string text)
    {
        type = "string";
        text = string.Empty;
        var reader = new Wire(encoded);
        while (reader.TryField(out int field, out int wireType))
        {
            switch (field, wireType)
            {
                case (1, Wire.Len) when reader.TryBytes(out ReadOnlySpan<byte> s):
                    (type, text) = ("string", Encoding.UTF8.GetString(s));
                    break;
                case (2, Wire.Varint) when reader.TryVarint(out ulong b):
                    (type, text) = ("bool", b != 0 ? "true" : "false");
                    break;
                case (3, Wire.Varint) when reader.TryVarint(out ulong i):
                    (type, text) = ("int", ((long)i).ToString(CultureInfo.InvariantCulture));
                    break;
                case (4, Wire.Fixed64) when reader.TryFixed64(out ulong d):
                    (type, text) = ("double", BitConverter.UInt64BitsToDouble(d).ToString("R", CultureInfo.InvariantCulture));
                    break;
                case (5, Wire.Len) when reader.TryBytes(out ReadOnlySpan<byte> array):
                    (type, text) = ("array", Json(array, list: false));
                    break;
                case (6, Wire.Len) when reader.TryBytes(out ReadOnlySpan<byte> kvlist):
                    (type, text) = ("kvlist", Json(kvlist, list: true));
                    break;
                case (7, Wire.Len) when reader.TryBytes(out ReadOnlySpan<byte> bytes):
                    (type, text) = ("bytes", Convert.ToBase64String(bytes));
                    break;
                default:
                    if (!reader.TrySkip(wireType))
                    {
                        return false;
                    }

                    break;
            }
        }

        return true;
    }

    private static string Json(ReadOnlySpan<byte> encoded, bool list)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))
        {
            WriteContainer(json, encoded, list, 0);
        }

        return Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length);
    }

    // ArrayValue and KeyValueList both hold their items in field 1.
    private static void WriteContainer(Utf8JsonWriter json, ReadOnlySpan<byte> encoded, bool list, int depth)
    {
        if (list)
        {
            json.WriteStartObject();
        }
        else
        {
            json.WriteStartArray();
        }

        var reader = new Wire(encoded);
        while (depth < MaxDepth && reader.TryField(out int field, out int type) && field == 1 && type == Wire.Len && reader.TryBytes(out ReadOnlySpan<byte> item))
        {
            if (list)
            {
                if (!TryKeyValue(item, out string key, out ReadOnlySpan<byte> value))
                {
                    break;
                }

                json.WritePropertyName(key);
                WriteValue(json, value, depth + 1);
            }
            else
            {
                WriteValue(json, item, depth + 1);
            }
        }

        if (list)
        {
            json.WriteEndObject();
        }
        else
        {
            json.WriteEndArray();
        }
    }

    private static void WriteValue(Utf8JsonWriter json, ReadOnlySpan<byte> encoded, int depth)
    {
        var reader = new Wire(encoded);
        if (reader.TryField(out int field, out int type))
        {
            switch (field, type)
            {
                case (5, Wire.Len) when reader.TryBytes(out ReadOnlySpan<byte> array):
                    WriteContainer(json, array, list: false, depth);
                    return;
                case (6, Wire.Len) when reader.TryBytes(out ReadOnlySpan<byte> kvlist):
                    WriteContainer(json, kvlist, list: true, depth);
                    return;
            }
        }

        if (!TryValue(encoded, out string valueType, out string text))
        {
            json.WriteNullValue();
            return;
        }

        switch (valueType)
        {
            case "bool":
                json.WriteBooleanValue(text == "true");
                break;
            case "int":
                json.WriteNumberValue(long.Parse(text, CultureInfo.InvariantCulture));
                break;
            case "double" when double.TryParse(text, CultureInfo.InvariantCulture, out double d) && double.IsFinite(d):
                json.WriteNumberValue(d);
                break;
            default:
                json.WriteStringValue(text);
                break;
        }
    }

    /// <summary>Just enough of the protobuf wire format for attributes.</summary>
    private ref struct Wire(ReadOnlySpan<byte> bytes)
    {
        public const int Varint = 0;
        public const int Fixed64 = 1;
        public const int Len = 2;
        public const int Fixed32 = 5;

        private ReadOnlySpan<byte> _rest = bytes;

        public bool TryField(out int field, out int type)
        {
            field = 0;
            type = 0;
            if (_rest.IsEmpty || !TryVarint(out ulong tag) || tag >> 3 is 0 or > int.MaxValue)
            {
                return false;
            }

            field = (int)(tag >> 3);
            type = (int)(tag & 7);
            return true;
        }

        public bool TryVarint(out ulong value)
        {
            value = 0;
            for (int i = 0; i < 10 && i < _rest.Length; i++)
            {
                value |= (ulong)(_rest[i] & 0x7F) << (7 * i);
                if (_rest[i] < 0x80)
                {
                    _rest = _rest[(i + 1)..];
                    return true;
                }
            }

            return false;
        }

        public bool TryFixed64(out ulong value)
        {
            value = 0;
            if (_rest.Length < 8)
            {
                return false;
            }

            value = BinaryPrimitives.ReadUInt64LittleEndian(_rest);
            _rest = _rest[8..];
            return true;
        }

        public bool TryBytes(out ReadOnlySpan<byte> bytes)
        {
            bytes = default;
            if (!TryVarint(out ulong length) || length > (ulong)_rest.Length)
            {
                return false;
            }

            bytes = _rest[..(int)length];
            _rest = _rest[(int)length..];
            return true;
        }

        public bool TrySkip(int type) => type switch
        {
            Varint => TryVarint(out _),
            Fixed64 => TryFixed64(out _),
            Len => TryBytes(out _),
            Fixed32 when _rest.Length >= 4 => Advance(4),
            _ => false,
        };

        private bool Advance(int count)
        {
            _rest = _rest[count..];
            return true;
        }
    }
}
