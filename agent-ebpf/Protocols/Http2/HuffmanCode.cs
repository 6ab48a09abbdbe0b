namespace OtlpGrains.Agent.Protocols.Http2;

/// <summary>
/// The static Huffman code of HPACK (RFC 7541 Appendix B). The code is canonical, so it is fully given by each
/// symbol's code length: codes are assigned in order of (length, symbol). Symbol 256 is EOS.
/// </summary>
internal static class HuffmanCode
{
    private const int Eos = 256;
    private const int MaxLength = 30;

    // Symbols of each code length, from the RFC's table.
    private static readonly (int Length, int[] Symbols)[] SymbolsByLength =
    [
        (5, [48, 49, 50, 97, 99, 101, 105, 111, 115, 116]),
        (6, [32, 37, 45, 46, 47, 51, 52, 53, 54, 55, 56, 57, 61, 65, 95, 98, 100, 102, 103, 104, 108, 109, 110, 112, 114, 117]),
        (7, [58, 66, 67, 68, 69, 70, 71, 72, 73, 74, 75, 76, 77, 78, 79, 80, 81, 82, 83, 84, 85, 86, 87, 89, 106, 107, 113, 118, 119, 120, 121, 122]),
        (8, [38, 42, 44, 59, 88, 90]),
        (10, [33, 34, 40, 41, 63]),
        (11, [39, 43, 124]),
        (12, [35, 62]),
        (13, [0, 36, 64, 91, 93, 126]),
        (14, [94, 125]),
        (15, [60, 96, 123]),
        (19, [92, 195, 208]),
        (20, [128, 130, 131, 162, 184, 194, 224, 226]),
        (21, [153, 161, 167, 172, 176, 177, 179, 209, 216, 217, 227, 229, 230]),
        (22, [129, 132, 133, 134, 136, 146, 154, 156, 160, 163, 164, 169, 170, 173, 178, 181, 185, 186, 187, 189, 190, 196, 198, 228, 232, 233]),
        (23, [1, 135, 137, 138, 139, 140, 141, 143, 147, 149, 150, 151, 152, 155, 157, 158, 165, 166, 168, 174, 175, 180, 182, 183, 188, 191, 197, 231, 239]),
        (24, [9, 142, 144, 145, 148, 159, 171, 206, 215, 225, 236, 237]),
        (25, [199, 207, 234, 235]),
        (26, [192, 193, 200, 201, 202, 205, 210, 213, 218, 219, 238, 240, 242, 243, 255]),
        (27, [203, 204, 211, 212, 214, 221, 222, 223, 241, 244, 245, 246, 247, 248, 250, 251, 252, 253, 254]),
        (28, [2, 3, 4, 5, 6, 7, 8, 11, 12, 14, 15, 16, 17, 18, 19, 20, 21, 23, 24, 25, 26, 27, 28, 29, 30, 31, 127, 220, 249]),
        (30, [10, 13, 22, 256]),
    ];

    private static readonly uint[] Codes = new uint[257];
    private static readonly byte[] Lengths = new byte[257];

    // Canonical decoding tables: per length, the first code, how many codes, and where their symbols start.
    private static readonly uint[] FirstCode = new uint[MaxLength + 1];
    private static readonly int[] CountOfLength = new int[MaxLength + 1];
    private static readonly int[] FirstIndex = new int[MaxLength + 1];
    private static readonly int[] SortedSymbols = new int[257];

#pragma warning disable CA1810 // The tables are derived once from the lengths; a static constructor keeps that in one place.
    static HuffmanCode()
#pragma warning restore CA1810
    {
        uint code = 0;
        var previousLength = 0;
        var index = 0;
        foreach (var (length, symbols) in SymbolsByLength)
        {
            if (previousLength != 0)
            {
                code <<= length - previousLength;
            }

            FirstCode[length] = code;
            FirstIndex[length] = index;
            CountOfLength[length] = symbols.Length;
            foreach (var symbol in symbols)
            {
                Codes[symbol] = code++;
                Lengths[symbol] = (byte)length;
                SortedSymbols[index++] = symbol;
            }

            previousLength = length;
        }
    }

    /// <summary>Decodes into <paramref name="output"/>; false on EOS, bad padding, or too little room.</summary>
    public static bool TryDecode(ReadOnlySpan<byte> input, Span<byte> output, out int written)
    {
        written = 0;
        uint code = 0;
        var length = 0;
        var ones = true;
        foreach (var b in input)
        {
            for (var bit = 7; bit >= 0; bit--)
            {
                var value = (uint)(b >> bit) & 1;
                code = (code << 1) | value;
                ones &= value == 1;
                length++;
                if (length > MaxLength)
                {
                    return false;
                }

                var offset = code - FirstCode[length];
                if (CountOfLength[length] == 0 || code < FirstCode[length] || offset >= (uint)CountOfLength[length])
                {
                    continue;
                }

                var symbol = SortedSymbols[FirstIndex[length] + (int)offset];
                if (symbol == Eos || written == output.Length)
                {
                    return false;
                }

                output[written++] = (byte)symbol;
                code = 0;
                length = 0;
                ones = true;
            }
        }

        // Padding: fewer than 8 bits, all ones (a prefix of EOS).
        return length < 8 && ones;
    }

    /// <summary>The encoded length in bytes of <paramref name="input"/>.</summary>
    public static int EncodedLength(ReadOnlySpan<byte> input)
    {
        long bits = 0;
        foreach (var b in input)
        {
            bits += Lengths[b];
        }

        return (int)((bits + 7) / 8);
    }

    /// <summary>Encodes <paramref name="input"/>, padding with ones; returns the bytes written.</summary>
    public static int Encode(ReadOnlySpan<byte> input, Span<byte> output)
    {
        ulong pending = 0;
        var pendingBits = 0;
        var written = 0;
        foreach (var b in input)
        {
            pending = (pending << Lengths[b]) | Codes[b];
            pendingBits += Lengths[b];
            while (pendingBits >= 8)
            {
                pendingBits -= 8;
                output[written++] = (byte)(pending >> pendingBits);
            }
        }

        if (pendingBits > 0)
        {
            output[written++] = (byte)((pending << (8 - pendingBits)) | (0xFFu >> pendingBits));
        }

        return written;
    }
}
