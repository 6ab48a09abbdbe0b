namespace OtlpGrains.Gateway.Otlp;

/// <summary>Which member of an OTLP <c>AnyValue</c> oneof is set.</summary>
internal enum AnyValueKind : byte
{
    None,
    String,
    Bool,
    Int,
    Double,
    Array,
    Kvlist,
    Bytes,
}

/// <summary>
/// An encoded OTLP <c>AnyValue</c> read in place: strings, bytes, arrays and maps stay slices of the request.
/// Several encodings merged in order behave as Google.Protobuf merges them (the last member set wins), except that
/// two arrays or two maps are not concatenated: the last one wins. Reading does not check the value: whoever hands
/// it over has checked it (<see cref="OtlpSchema"/>).
/// </summary>
internal ref struct AnyValueView
{
    private const uint StringValue = (1 << 3) | ProtoReader.Len;
    private const uint BoolValue = (2 << 3) | ProtoReader.Varint;
    private const uint IntValue = (3 << 3) | ProtoReader.Varint;
    private const uint DoubleValue = (4 << 3) | ProtoReader.Fixed64;
    private const uint ArrayValue = (5 << 3) | ProtoReader.Len;
    private const uint KvlistValue = (6 << 3) | ProtoReader.Len;
    private const uint BytesValue = (7 << 3) | ProtoReader.Len;

    public AnyValueKind Kind;

    /// <summary>The UTF-8 string, the bytes, or the encoded <c>ArrayValue</c>/<c>KeyValueList</c>.</summary>
    public ReadOnlySpan<byte> Payload;

    public long Int;

    public double Double;

    public bool Bool;

    /// <summary>Reads one encoded <c>AnyValue</c>.</summary>
    public static AnyValueView Of(ReadOnlySpan<byte> encoded)
    {
        var value = default(AnyValueView);
        value.Merge(encoded);
        return value;
    }

    /// <summary>Merges one more encoding of the value into this one.</summary>
    public void Merge(ReadOnlySpan<byte> encoded)
    {
        var reader = new ProtoReader(encoded);
        while (reader.Next(out uint tag))
        {
            switch (tag)
            {
                case StringValue:
                    Set(AnyValueKind.String, reader.ReadBytes());
                    break;
                case BoolValue:
                    Kind = AnyValueKind.Bool;
                    Bool = reader.ReadVarint() != 0;
                    break;
                case IntValue:
                    Kind = AnyValueKind.Int;
                    Int = (long)reader.ReadVarint();
                    break;
                case DoubleValue:
                    Kind = AnyValueKind.Double;
                    Double = reader.ReadDouble();
                    break;
                case ArrayValue:
                    Set(AnyValueKind.Array, reader.ReadBytes());
                    break;
                case KvlistValue:
                    Set(AnyValueKind.Kvlist, reader.ReadBytes());
                    break;
                case BytesValue:
                    Set(AnyValueKind.Bytes, reader.ReadBytes());
                    break;
                default:
                    reader.Skip(tag);
                    break;
            }
        }
    }

    /// <summary>The string, or an empty span when the value is not a string (which the rules treat as absent).</summary>
    public readonly ReadOnlySpan<byte> StringOrEmpty => Kind == AnyValueKind.String ? Payload : default;

    private void Set(AnyValueKind kind, ReadOnlySpan<byte> payload)
    {
        Kind = kind;
        Payload = payload;
    }
}
