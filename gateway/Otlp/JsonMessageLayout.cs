using System.Collections.Concurrent;
using Google.Protobuf.Reflection;

namespace OtlpGrains.Gateway.Otlp;

/// <summary>
/// A protobuf message as its JSON form is read: every field under its lowerCamelCase JSON name and its original
/// proto name, with the wire tag, kind and nested layout to write it. Built once per message type from the
/// generated descriptors, so every field of every OTLP message is covered without a hand-written list.
/// </summary>
internal sealed class JsonMessageLayout
{
    private const int MaxOneofs = 64;

    private const int WireVarint = 0;
    private const int WireFixed64 = 1;
    private const int WireLengthDelimited = 2;
    private const int WireFixed32 = 5;

    private static readonly ConcurrentDictionary<MessageDescriptor, JsonMessageLayout> Built = new();

    private static readonly Lock BuildLock = new();

    private static readonly HashSet<string> HexIdNames = ["trace_id", "span_id", "parent_span_id"];

    private JsonMessageLayout(MessageDescriptor descriptor)
    {
        FullName = descriptor.FullName;
        OneofNames = [.. descriptor.Oneofs.Where(o => !o.IsSynthetic).Select(o => o.Name)];
        if (OneofNames.Length > MaxOneofs)
        {
            throw new NotSupportedException($"{FullName} has more than {MaxOneofs} oneofs");
        }
    }

    /// <summary>The message type's full proto name, for error messages.</summary>
    public string FullName { get; }

    /// <summary>The real (not synthetic) oneofs, indexed by <see cref="JsonFieldLayout.OneofIndex"/>.</summary>
    public string[] OneofNames { get; }

    /// <summary>The fields by JSON name and by proto name.</summary>
    public Utf8NameTable<JsonFieldLayout> Fields { get; private set; } = new([]);

    /// <summary>The layout of <paramref name="descriptor"/> and, through its fields, of every message it contains.</summary>
    public static JsonMessageLayout Of(MessageDescriptor descriptor)
    {
        ArgumentNullException.ThrowIfNull(descriptor);
        if (Built.TryGetValue(descriptor, out JsonMessageLayout? layout))
        {
            return layout;
        }

        // One builder at a time: the graph has cycles (AnyValue -> ArrayValue -> AnyValue), and a layout is
        // published only when every layout it reaches is complete.
        lock (BuildLock)
        {
            if (Built.TryGetValue(descriptor, out layout))
            {
                return layout;
            }

            var pending = new Dictionary<MessageDescriptor, JsonMessageLayout>();
            layout = Build(descriptor, pending);
            foreach ((MessageDescriptor built, JsonMessageLayout complete) in pending)
            {
                Built.TryAdd(built, complete);
            }

            return layout;
        }
    }

    private static JsonMessageLayout Build(MessageDescriptor descriptor, Dictionary<MessageDescriptor, JsonMessageLayout> pending)
    {
        if (Built.TryGetValue(descriptor, out JsonMessageLayout? done) || pending.TryGetValue(descriptor, out done))
        {
            return done;
        }

        var layout = new JsonMessageLayout(descriptor);
        pending.Add(descriptor, layout);
        var names = new List<KeyValuePair<string, JsonFieldLayout>>();
        foreach (FieldDescriptor field in descriptor.Fields.InFieldNumberOrder())
        {
            JsonFieldLayout fieldLayout = FieldOf(field, layout);
            if (fieldLayout.Kind == JsonFieldKind.Message)
            {
                fieldLayout.Message = Build(field.MessageType, pending);
            }

            names.Add(new(field.JsonName, fieldLayout));
            if (field.Name != field.JsonName)
            {
                names.Add(new(field.Name, fieldLayout));
            }
        }

        layout.Fields = new Utf8NameTable<JsonFieldLayout>(names);
        return layout;
    }

    private static JsonFieldLayout FieldOf(FieldDescriptor field, JsonMessageLayout owner)
    {
        JsonFieldKind kind = KindOf(field);
        bool packed = field.IsRepeated && field.IsPacked && IsPackable(kind);
        OneofDescriptor? oneof = field.RealContainingOneof;
        return new JsonFieldLayout
        {
            FullName = field.FullName,
            Kind = kind,
            IsRepeated = field.IsRepeated,
            IsPacked = packed,
            HasPresence = !field.IsRepeated && field.HasPresence,
            Tag = Tag(field.FieldNumber, packed ? WireLengthDelimited : WireTypeOf(kind)),
            OneofIndex = oneof is null ? -1 : Array.IndexOf(owner.OneofNames, oneof.Name),
            EnumValues = kind == JsonFieldKind.Enum
                ? new Utf8NameTable<int>(field.EnumType.Values.Select(v => new KeyValuePair<string, int>(v.Name, v.Number)))
                : null,
            TypeName = field.FieldType switch
            {
                FieldType.Message or FieldType.Group => field.MessageType.FullName,
                FieldType.Enum => field.EnumType.FullName,
                _ => null,
            },
        };
    }

    private static JsonFieldKind KindOf(FieldDescriptor field)
    {
        if (field.IsMap)
        {
            return JsonFieldKind.Unsupported;
        }

        return field.FieldType switch
        {
            FieldType.Double => JsonFieldKind.Double,
            FieldType.Float => JsonFieldKind.Float,
            FieldType.Int64 => JsonFieldKind.Int64,
            FieldType.UInt64 => JsonFieldKind.UInt64,
            FieldType.Int32 => JsonFieldKind.Int32,
            FieldType.Fixed64 => JsonFieldKind.Fixed64,
            FieldType.Fixed32 => JsonFieldKind.Fixed32,
            FieldType.Bool => JsonFieldKind.Bool,
            FieldType.String => JsonFieldKind.String,
            FieldType.Bytes => HexIdNames.Contains(field.Name) ? JsonFieldKind.HexId : JsonFieldKind.Bytes,
            FieldType.UInt32 => JsonFieldKind.UInt32,
            FieldType.SFixed32 => JsonFieldKind.SFixed32,
            FieldType.SFixed64 => JsonFieldKind.SFixed64,
            FieldType.SInt32 => JsonFieldKind.SInt32,
            FieldType.SInt64 => JsonFieldKind.SInt64,
            FieldType.Enum => JsonFieldKind.Enum,
            // Well-known types (Any, Timestamp, Struct, wrappers...) have JSON forms of their own.
            FieldType.Message when field.MessageType.File.Package == "google.protobuf" => JsonFieldKind.Unsupported,
            FieldType.Message => JsonFieldKind.Message,
            _ => JsonFieldKind.Unsupported,
        };
    }

    private static bool IsPackable(JsonFieldKind kind) =>
        kind is not (JsonFieldKind.String or JsonFieldKind.Bytes or JsonFieldKind.HexId or JsonFieldKind.Message or JsonFieldKind.Unsupported);

    private static int WireTypeOf(JsonFieldKind kind) => kind switch
    {
        JsonFieldKind.Double or JsonFieldKind.Fixed64 or JsonFieldKind.SFixed64 => WireFixed64,
        JsonFieldKind.Float or JsonFieldKind.Fixed32 or JsonFieldKind.SFixed32 => WireFixed32,
        JsonFieldKind.String or JsonFieldKind.Bytes or JsonFieldKind.HexId or JsonFieldKind.Message or JsonFieldKind.Unsupported => WireLengthDelimited,
        _ => WireVarint,
    };

    private static byte[] Tag(int fieldNumber, int wireType)
    {
        uint tag = ((uint)fieldNumber << 3) | (uint)wireType;
        var bytes = new byte[ProtobufWriter.VarintSize(tag)];
        int i = 0;
        while (tag >= 0x80)
        {
            bytes[i++] = (byte)(tag | 0x80);
            tag >>= 7;
        }

        bytes[i] = (byte)tag;
        return bytes;
    }
}
