namespace OtlpGrains.Agent.Protocols.Http2;

/// <summary>
/// Decodes HPACK header blocks (RFC 7541) for one direction of a connection: indexed fields, literals with and
/// without indexing, dynamic table size updates, Huffman strings. Any malformed block fails the decoder, since the
/// table state after it is unknown.
/// </summary>
internal sealed class HpackDecoder
{
    private readonly HpackDynamicTable _table = new();
    private byte[] _scratch = [];

    /// <summary>The limit the peer's SETTINGS_HEADER_TABLE_SIZE allows for size updates.</summary>
    public int AllowedMaxSize { get; set; } = 4096;

    public int TableSize => _table.Size;

    public bool TryDecode(ReadOnlySpan<byte> block, IHeaderSink sink)
    {
        // Huffman output is at most 8/5 of its input: room for a name and a value of the whole block each.
        var need = Math.Min(block.Length * 2 * 8 / 5 + 16, 2 * 8 * ParserLimits.MaxBufferedBytesPerDirection / 5 + 16);
        if (_scratch.Length < need)
        {
            _scratch = new byte[need];
        }

        var pos = 0;
        while (pos < block.Length)
        {
            var first = block[pos];
            if ((first & 0x80) != 0)
            {
                if (!TryReadInteger(block, ref pos, 7, out var index) || !TryLookup(index, out var name, out var value))
                {
                    return false;
                }

                sink.OnHeader(name, value);
            }
            else if ((first & 0xE0) == 0x20)
            {
                if (!TryReadInteger(block, ref pos, 5, out var size) || size > AllowedMaxSize || size > ParserLimits.MaxHpackTableSize)
                {
                    return false;
                }

                _table.SetMaxSize(size);
            }
            else
            {
                var indexing = (first & 0xC0) == 0x40;
                if (!TryReadInteger(block, ref pos, indexing ? 6 : 4, out var nameIndex))
                {
                    return false;
                }

                var scratch = _scratch.AsSpan();
                ReadOnlySpan<byte> name;
                if (nameIndex == 0)
                {
                    if (!TryReadString(block, ref pos, scratch, out name, out var used))
                    {
                        return false;
                    }

                    scratch = scratch[used..];
                }
                else if (!TryLookup(nameIndex, out name, out _))
                {
                    return false;
                }

                if (!TryReadString(block, ref pos, scratch, out var value, out _))
                {
                    return false;
                }

                sink.OnHeader(name, value);
                if (indexing)
                {
                    _table.Add(name, value);
                }
            }
        }

        return true;
    }

    /// <summary>An integer with an N-bit prefix; values above 2^28 are refused.</summary>
    private static bool TryReadInteger(ReadOnlySpan<byte> block, scoped ref int pos, int prefixBits, out int value)
    {
        var mask = (1 << prefixBits) - 1;
        value = block[pos++] & mask;
        if (value < mask)
        {
            return true;
        }

        for (var shift = 0; shift <= 21; shift += 7)
        {
            if (pos >= block.Length)
            {
                return false;
            }

            var b = block[pos++];
            value += (b & 0x7f) << shift;
            if ((b & 0x80) == 0)
            {
                return true;
            }
        }

        return false;
    }

    private bool TryLookup(int index, out ReadOnlySpan<byte> name, out ReadOnlySpan<byte> value)
    {
        name = value = default;
        if (index <= 0)
        {
            return false;
        }

        if (index <= HpackStaticTable.Count)
        {
            var entry = HpackStaticTable.Get(index);
            name = entry.Name;
            value = entry.Value;
            return true;
        }

        return _table.TryGet(index - HpackStaticTable.Count - 1, out name, out value);
    }

    private static bool TryReadString(ReadOnlySpan<byte> block, scoped ref int pos, Span<byte> scratch, out ReadOnlySpan<byte> text, out int scratchUsed)
    {
        text = default;
        scratchUsed = 0;
        if (pos >= block.Length)
        {
            return false;
        }

        var huffman = (block[pos] & 0x80) != 0;
        if (!TryReadInteger(block, ref pos, 7, out var length) || length > block.Length - pos)
        {
            return false;
        }

        var raw = block.Slice(pos, length);
        pos += length;
        if (!huffman)
        {
            text = raw;
            return true;
        }

        if (!HuffmanCode.TryDecode(raw, scratch, out scratchUsed))
        {
            return false;
        }

        text = scratch[..scratchUsed];
        return true;
    }
}
