using System.IO.Hashing;
using System.Security.Cryptography;
using System.Text;

namespace OtlpGrains.Gateway.Otlp;

/// <summary>
/// Turns short UTF-8 byte strings into strings, handing back the same string for the same bytes: span names,
/// service names, metric names and attribute keys repeat across spans and across requests, so a decoder that asks
/// this pool allocates each of them once instead of once per span. One pool per thread (no locks); bounded: when it
/// is three quarters full it starts over, so a sender of endless distinct names costs a clear, never growth.
/// </summary>
internal sealed class Utf8StringPool
{
    /// <summary>Longer strings are decoded each time: they rarely repeat and would crowd out the names.</summary>
    public const int MaxPooledBytes = 128;

    private const int Capacity = 4096;

    // A per-process seed, so that a sender cannot pick names that all land in one slot.
    private static readonly long Seed = BitConverter.ToInt64(RandomNumberGenerator.GetBytes(8));

    [ThreadStatic]
    private static Utf8StringPool? _current;

    [ThreadStatic]
    private static Utf8StringPool? _values;

    private readonly Entry[] _entries = new Entry[Capacity];
    private int _count;

    /// <summary>This thread's pool.</summary>
    public static Utf8StringPool Current => _current ??= new Utf8StringPool();

    /// <summary>
    /// This thread's pool for attribute values of log records: many repeat (a logger's name, an event name), but
    /// those that do not (request ids) would crowd the names out of <see cref="Current"/>.
    /// </summary>
    public static Utf8StringPool Values => _values ??= new Utf8StringPool();

    public string Get(ReadOnlySpan<byte> utf8)
    {
        if (utf8.IsEmpty)
        {
            return "";
        }

        if (utf8.Length > MaxPooledBytes)
        {
            return Encoding.UTF8.GetString(utf8);
        }

        uint hash = (uint)XxHash3.HashToUInt64(utf8, Seed);
        int mask = Capacity - 1;
        int slot = (int)hash & mask;
        while (_entries[slot].Utf8 is { } key)
        {
            if (_entries[slot].Hash == hash && utf8.SequenceEqual(key))
            {
                return _entries[slot].Text;
            }

            slot = (slot + 1) & mask;
        }

        if (_count >= Capacity * 3 / 4)
        {
            Array.Clear(_entries);
            _count = 0;
            slot = (int)hash & mask;
        }

        // Invalid UTF-8 becomes U+FFFD, as Google.Protobuf decodes it.
        var text = Encoding.UTF8.GetString(utf8);
        _entries[slot] = new Entry(hash, utf8.ToArray(), text);
        _count++;
        return text;
    }

    private readonly record struct Entry(uint Hash, byte[]? Utf8, string Text);
}
