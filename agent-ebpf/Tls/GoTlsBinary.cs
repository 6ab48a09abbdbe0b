using System.Buffers.Binary;
using System.Text;
using System.Text.RegularExpressions;
using Iced.Intel;

namespace OtlpGrains.Agent.Tls;

/// <summary>
/// Where to put the Go crypto/tls probes in one Go executable: the file offsets of the entry and of every RET
/// instruction of <c>crypto/tls.(*Conn).Write</c> and <c>(*Conn).Read</c>, from the ELF symbol table and the functions'
/// machine code decoded with Iced (the agent probes Write's entry and Read's entry and RETs). RETs rather than a uretprobe: a uretprobe replaces the return address on the
/// goroutine's stack, and a Go stack that grows is copied elsewhere with that address in it, which crashes the program.
/// </summary>
internal sealed partial record GoTlsBinary(string GoVersion, GoTlsFunction Write, GoTlsFunction Read)
{
    /// <summary>The oldest Go whose register ABI the probes read (arguments in RAX, RBX, RCX; the goroutine in R14).</summary>
    public const int MinimumMinorVersion = 17;

    private const string BuildInfoSection = ".go.buildinfo";
    private const string WriteSymbol = "crypto/tls.(*Conn).Write";
    private const string ReadSymbol = "crypto/tls.(*Conn).Read";
    // 0xff then " Go buildinf:" as bytes (a u8 literal would encode 0xff as two UTF-8 bytes).
    private static ReadOnlySpan<byte> BuildInfoMagic => [0xff, 0x20, 0x47, 0x6f, 0x20, 0x62, 0x75, 0x69, 0x6c, 0x64, 0x69, 0x6e, 0x66, 0x3a];

    /// <summary>Whether the ELF file at <paramref name="path"/> was built by Go (it has a <c>.go.buildinfo</c> section).</summary>
    public static bool IsGoExecutable(string path)
    {
        try
        {
            using ElfImage image = ElfImage.Open(path);
            return image.HasSection(BuildInfoSection);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or InvalidDataException)
        {
            return false;
        }
    }

    /// <summary>
    /// Finds the probe sites of a Go executable. Null with <paramref name="reason"/> when it cannot be probed: not Go,
    /// not x86-64, older than Go 1.17, stripped of its symbols; null with a null reason when it does not use crypto/tls.
    /// </summary>
    public static GoTlsBinary? TryRead(string path, out string? reason)
    {
        ElfImage image;
        try
        {
            image = ElfImage.Open(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or InvalidDataException)
        {
            reason = e.Message;
            return null;
        }

        using (image)
        {
            return FromImage(image, path, out reason);
        }
    }

    private static GoTlsBinary? FromImage(ElfImage image, string path, out string? reason)
    {
        string? version = BuildVersion(image);
        if (version is null)
        {
            reason = $"{path} is not a Go executable (no readable {BuildInfoSection})";
            return null;
        }

        if (image.Machine != ElfImage.MachineX86_64)
        {
            reason = $"{path} ({version}) is not x86-64: the Go probes read x86-64 registers";
            return null;
        }

        Match minor = GoMinorVersion().Match(version);
        if (!minor.Success || int.Parse(minor.Groups[1].ValueSpan, System.Globalization.CultureInfo.InvariantCulture) < MinimumMinorVersion)
        {
            reason = $"{path} was built by {version}: the Go probes need the register ABI of go1.{MinimumMinorVersion} or later";
            return null;
        }

        if (!image.HasSymbols)
        {
            reason = $"{path} ({version}) has no symbol table (built with -ldflags=-s): the crypto/tls functions cannot be found";
            return null;
        }

        GoTlsFunction? write = Function(image, WriteSymbol);
        GoTlsFunction? read = Function(image, ReadSymbol);
        reason = null;
        if (write is null || read is null)
        {
            return null; // a Go program without crypto/tls: nothing to probe, and nothing wrong
        }

        if (read.ReturnOffsets.Count == 0)
        {
            reason = $"{path} ({version}): no RET instruction decoded in crypto/tls.(*Conn).Read";
            return null;
        }

        return new GoTlsBinary(version, write, read);
    }

    // The Go version the binary was built with, from .go.buildinfo: inline since Go 1.18 (flag bit 1, a varint length
    // and the string at offset 32), before that a pointer at offset 16 to a Go string header (pointer, length).
    private static string? BuildVersion(ElfImage image)
    {
        ReadOnlySpan<byte> info = image.SectionBytes(BuildInfoSection);
        if (info.Length < 32 || !info.StartsWith(BuildInfoMagic))
        {
            return null;
        }

        int pointerSize = info[14];
        byte flags = info[15];
        if ((flags & 1) != 0 || pointerSize != 8)
        {
            return null; // big-endian or 32-bit: not a target of these probes
        }

        if ((flags & 2) != 0)
        {
            ReadOnlySpan<byte> rest = info[32..];
            ulong length = 0;
            int shift = 0;
            int at = 0;
            while (at < rest.Length && at < 10)
            {
                byte b = rest[at++];
                length |= (ulong)(b & 0x7f) << shift;
                shift += 7;
                if ((b & 0x80) == 0)
                {
                    return length <= (ulong)(rest.Length - at) ? Encoding.UTF8.GetString(rest.Slice(at, (int)length)) : null;
                }
            }

            return null;
        }

        ulong header = BinaryPrimitives.ReadUInt64LittleEndian(info[16..]);
        byte[] stringHeader = image.BytesAt(header, 16);
        if (stringHeader.Length < 16)
        {
            return null;
        }

        ulong data = BinaryPrimitives.ReadUInt64LittleEndian(stringHeader);
        long size = (long)BinaryPrimitives.ReadUInt64LittleEndian(stringHeader.AsSpan(8));
        byte[] text = size is > 0 and < 256 ? image.BytesAt(data, size) : [];
        return text.Length == 0 ? null : Encoding.UTF8.GetString(text);
    }

    private static GoTlsFunction? Function(ElfImage image, string symbol)
    {
        if (image.FindSymbol(symbol) is not var (address, size) || size <= 0)
        {
            return null;
        }

        long entry = image.FileOffset(address);
        byte[] code = image.BytesAt(address, size);
        if (entry < 0 || code.Length == 0)
        {
            return null;
        }

        var returns = new List<long>();
        var decoder = Iced.Intel.Decoder.Create(64, new ByteArrayCodeReader(code));
        decoder.IP = address;
        ulong end = address + (ulong)size;
        while (decoder.IP < end)
        {
            decoder.Decode(out Instruction instruction);
            if (instruction.IsInvalid)
            {
                continue; // padding or data between instructions; decoding resumes at the next byte
            }

            if (instruction.Mnemonic == Mnemonic.Ret)
            {
                returns.Add(entry + (long)(instruction.IP - address));
            }
        }

        return new GoTlsFunction(symbol, entry, returns);
    }

    [GeneratedRegex(@"go1\.(\d+)")]
    private static partial Regex GoMinorVersion();
}

/// <summary>One probed Go function: its entry and its RET instructions, as file offsets.</summary>
internal sealed record GoTlsFunction(string Name, long EntryOffset, IReadOnlyList<long> ReturnOffsets);
