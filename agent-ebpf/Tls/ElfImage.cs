using System.Buffers.Binary;
using System.Text;

namespace OtlpGrains.Agent.Tls;

/// <summary>
/// The parts of a 64-bit little-endian ELF file the Go probes need: section headers by name, the symbol table, and
/// bytes at a virtual address. Reads the whole file into memory (Go executables are a few MiB).
/// </summary>
internal sealed class ElfImage
{
    /// <summary>e_machine of x86-64.</summary>
    public const ushort MachineX86_64 = 62;

    private const uint SectionSymbolTable = 2;
    private const uint SectionNoBits = 8;

    private readonly byte[] _file;
    private readonly List<Section> _sections = [];

    private ElfImage(byte[] file, ushort machine)
    {
        _file = file;
        Machine = machine;
    }

    public ushort Machine { get; }

    /// <summary>Parses <paramref name="path"/>; throws <see cref="InvalidDataException"/> when it is not a 64-bit little-endian ELF.</summary>
    public static ElfImage Read(string path)
    {
        byte[] file = File.ReadAllBytes(path);
        if (file.Length < 64 || file[0] != 0x7f || file[1] != 'E' || file[2] != 'L' || file[3] != 'F')
        {
            throw new InvalidDataException($"{path} is not an ELF file");
        }

        if (file[4] != 2 || file[5] != 1)
        {
            throw new InvalidDataException($"{path} is not a 64-bit little-endian ELF file");
        }

        var image = new ElfImage(file, BinaryPrimitives.ReadUInt16LittleEndian(file.AsSpan(18)));
        long sectionsAt = (long)BinaryPrimitives.ReadUInt64LittleEndian(file.AsSpan(40));
        int entrySize = BinaryPrimitives.ReadUInt16LittleEndian(file.AsSpan(58));
        int count = BinaryPrimitives.ReadUInt16LittleEndian(file.AsSpan(60));
        int namesIndex = BinaryPrimitives.ReadUInt16LittleEndian(file.AsSpan(62));
        if (entrySize < 64 || sectionsAt <= 0 || sectionsAt + (long)count * entrySize > file.Length || namesIndex >= count)
        {
            throw new InvalidDataException($"{path} has no valid section header table");
        }

        var raw = new List<(uint Name, uint Type, ulong Address, long Offset, long Size, int Link)>(count);
        for (int i = 0; i < count; i++)
        {
            ReadOnlySpan<byte> header = file.AsSpan((int)(sectionsAt + (long)i * entrySize), 64);
            raw.Add((
                BinaryPrimitives.ReadUInt32LittleEndian(header),
                BinaryPrimitives.ReadUInt32LittleEndian(header[4..]),
                BinaryPrimitives.ReadUInt64LittleEndian(header[16..]),
                (long)BinaryPrimitives.ReadUInt64LittleEndian(header[24..]),
                (long)BinaryPrimitives.ReadUInt64LittleEndian(header[32..]),
                (int)BinaryPrimitives.ReadUInt32LittleEndian(header[40..])));
        }

        long namesOffset = raw[namesIndex].Offset;
        foreach (var (name, type, address, offset, size, link) in raw)
        {
            bool inFile = type == SectionNoBits || (offset >= 0 && size >= 0 && offset + size <= file.Length);
            if (!inFile)
            {
                throw new InvalidDataException($"{path} has a section beyond the end of the file");
            }

            image._sections.Add(new Section(image.CString(namesOffset + name), type, address, offset, type == SectionNoBits ? 0 : size, link));
        }

        return image;
    }

    public bool HasSection(string name) => _sections.Exists(s => s.Name == name);

    /// <summary>The bytes of the section named <paramref name="name"/>, or empty when it is missing.</summary>
    public ReadOnlySpan<byte> SectionBytes(string name)
    {
        Section? section = _sections.Find(s => s.Name == name);
        return section is null ? [] : _file.AsSpan((int)section.Offset, (int)section.Size);
    }

    /// <summary>The symbol table's entry named <paramref name="name"/>: its address and size, or null.</summary>
    public (ulong Address, long Size)? FindSymbol(string name)
    {
        Section? symbols = _sections.Find(s => s.Type == SectionSymbolTable);
        if (symbols is null || symbols.Link >= _sections.Count)
        {
            return null;
        }

        long strings = _sections[symbols.Link].Offset;
        byte[] wanted = Encoding.UTF8.GetBytes(name);
        for (long at = symbols.Offset; at + 24 <= symbols.Offset + symbols.Size; at += 24)
        {
            ReadOnlySpan<byte> symbol = _file.AsSpan((int)at, 24);
            long nameAt = strings + BinaryPrimitives.ReadUInt32LittleEndian(symbol);
            if (nameAt + wanted.Length < _file.Length && _file[(int)(nameAt + wanted.Length)] == 0
                && _file.AsSpan((int)nameAt, wanted.Length).SequenceEqual(wanted))
            {
                return (BinaryPrimitives.ReadUInt64LittleEndian(symbol[8..]), (long)BinaryPrimitives.ReadUInt64LittleEndian(symbol[16..]));
            }
        }

        return null;
    }

    /// <summary>Whether the file has a symbol table at all (<c>go build -ldflags=-s</c> strips it).</summary>
    public bool HasSymbols => _sections.Exists(s => s.Type == SectionSymbolTable);

    /// <summary>The file offset of virtual address <paramref name="address"/>, or -1 when no section with file bytes holds it.</summary>
    public long FileOffset(ulong address)
    {
        foreach (Section section in _sections)
        {
            if (section.Type != SectionNoBits && section.Address != 0 && address >= section.Address && address < section.Address + (ulong)section.Size)
            {
                return section.Offset + (long)(address - section.Address);
            }
        }

        return -1;
    }

    /// <summary><paramref name="length"/> bytes at virtual address <paramref name="address"/>, or empty when they are not all in the file.</summary>
    public ReadOnlySpan<byte> BytesAt(ulong address, long length)
    {
        long offset = FileOffset(address);
        return offset < 0 || length < 0 || FileOffset(address + (ulong)Math.Max(0, length - 1)) != offset + Math.Max(0, length - 1)
            ? []
            : _file.AsSpan((int)offset, (int)length);
    }

    private string CString(long offset)
    {
        if (offset < 0 || offset >= _file.Length)
        {
            return string.Empty;
        }

        int end = Array.IndexOf(_file, (byte)0, (int)offset);
        return Encoding.UTF8.GetString(_file, (int)offset, (end < 0 ? _file.Length : end) - (int)offset);
    }

    private sealed record Section(string Name, uint Type, ulong Address, long Offset, long Size, int Link);
}
