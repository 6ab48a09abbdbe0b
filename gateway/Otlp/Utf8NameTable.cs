using System.Text;

namespace OtlpGrains.Gateway.Otlp;

/// <summary>
/// A small read-only map from UTF-8 names to values, looked up with the bytes as they stand in the JSON, so a
/// property name costs no string. Open addressing over a power-of-two table a quarter full: a probe hashes four
/// bytes and the length and almost always lands on the one candidate, which is then compared in full.
/// </summary>
internal sealed class Utf8NameTable<TValue>
{
    private readonly byte[]?[] _names;
    private readonly TValue[] _values;
    private readonly int _mask;

    /// <exception cref="ArgumentException">Two entries have the same name.</exception>
    public Utf8NameTable(IEnumerable<KeyValuePair<string, TValue>> entries)
    {
        ArgumentNullException.ThrowIfNull(entries);
        var list = entries.ToList();
        int size = 4;
        while (size < list.Count * 4)
        {
            size *= 2;
        }

        _names = new byte[]?[size];
        _values = new TValue[size];
        _mask = size - 1;
        foreach ((string name, TValue value) in list)
        {
            byte[] utf8 = Encoding.UTF8.GetBytes(name);
            int slot = Hash(utf8) & _mask;
            while (_names[slot] is { } taken)
            {
                if (taken.AsSpan().SequenceEqual(utf8))
                {
                    throw new ArgumentException($"duplicate name '{name}'", nameof(entries));
                }

                slot = (slot + 1) & _mask;
            }

            _names[slot] = utf8;
            _values[slot] = value;
        }
    }

    public bool TryFind(ReadOnlySpan<byte> name, out TValue value)
    {
        if (!name.IsEmpty)
        {
            int slot = Hash(name) & _mask;
            while (_names[slot] is { } candidate)
            {
                if (name.SequenceEqual(candidate))
                {
                    value = _values[slot];
                    return true;
                }

                slot = (slot + 1) & _mask;
            }
        }

        value = default!;
        return false;
    }

    private static int Hash(ReadOnlySpan<byte> name)
    {
        if (name.IsEmpty)
        {
            return 0;
        }

        // Field names of one message often share a prefix or a suffix ("startTimeUnixNano", "endTimeUnixNano"),
        // so the hash mixes both ends, the middle and the length.
        uint h = (uint)name.Length * 0x9E3779B1u;
        h ^= name[0] * 0x85EBCA77u;
        h ^= name[^1] * 0xC2B2AE3Du;
        h ^= name[name.Length / 2] * 0x27D4EB2Fu;
        h ^= name[name.Length / 3] * 0x165667B1u;
        return (int)(h ^ (h >> 15));
    }
}
