namespace OtlpGrains.Gateway.Otlp;

/// <summary>
/// An encoded OTLP <c>KeyValue</c> read in place: its key at once (the last key field, as a parser keeps it), its
/// value only when asked, since most attributes are of no interest to the gateway. Reading it checks all of it
/// (<see cref="OtlpSchema"/>), so that a fault in a value nobody asks for is still refused.
/// </summary>
internal readonly ref struct KeyValueView
{
    private const uint KeyField = (1 << 3) | ProtoReader.Len;
    private const uint ValueField = (2 << 3) | ProtoReader.Len;

    private readonly ReadOnlySpan<byte> _encoded;
    private readonly ReadOnlySpan<byte> _lastValue;
    private readonly int _valueFields;

    /// <param name="encoded">The encoded pair.</param>
    /// <param name="depth">Its nesting in the request (the request is 0); negative when it was checked already.</param>
    public KeyValueView(ReadOnlySpan<byte> encoded, int depth)
    {
        bool check = depth >= 0;
        OtlpSchema.CheckDepth(depth);
        _encoded = encoded;
        var reader = new ProtoReader(encoded);
        while (reader.Next(out uint tag))
        {
            if (tag == KeyField)
            {
                Key = reader.ReadBytes();
                if (check)
                {
                    OtlpSchema.CheckUtf8(Key);
                }
            }
            else if (tag == ValueField)
            {
                _lastValue = reader.ReadBytes();
                if (check)
                {
                    CheckValue(_lastValue, depth + 1);
                }

                _valueFields++;
            }
            else
            {
                reader.Skip(tag);
            }
        }
    }

    public ReadOnlySpan<byte> Key { get; }

    // Most values are one short string: check that directly, and leave the rest to the schema.
    private static void CheckValue(ReadOnlySpan<byte> value, int depth)
    {
        if (value.Length >= 2 && value[0] == ((1 << 3) | ProtoReader.Len) && value[1] < 0x80 && value[1] == value.Length - 2)
        {
            OtlpSchema.CheckDepth(depth);
            OtlpSchema.CheckUtf8(value[2..]);
            return;
        }

        OtlpSchema.CheckAnyValue(value, depth);
    }

    /// <summary>True when the pair has a value field (possibly an empty one).</summary>
    public bool HasValue => _valueFields > 0;

    /// <summary>The value; <see cref="AnyValueKind.None"/> when it has none. Repeated value fields merge in order.</summary>
    public AnyValueView Value()
    {
        if (_valueFields <= 1)
        {
            return AnyValueView.Of(_lastValue);
        }

        var value = default(AnyValueView);
        var reader = new ProtoReader(_encoded);
        while (reader.Next(out uint tag))
        {
            if (tag == ValueField)
            {
                value.Merge(reader.ReadBytes());
            }
            else
            {
                reader.Skip(tag);
            }
        }

        return value;
    }
}
