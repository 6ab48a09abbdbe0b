using System.Buffers.Binary;
using System.Text;
using Microsoft.Win32.SafeHandles;

namespace OtlpGrains.Agent.Tls;

/// <summary>
/// The parts of a 64-bit little-endian ELF file the Go probes need: section headers by name, the symbol table, and
/// bytes at a virtual address. Opening reads only the ELF header and the section headers (the discovery opens every
/// new executable on the node, some of them hundreds of MiB); the rest is read on demand. Dispose closes the file.
/// </summary>
internal sealed class ElfImage : IDisposable
{
    /// <summary>e_machine of x86-64.</summary>
    public const ushort MachineX86_64 = 62;

    private const uint SectionSymbolTable = 2;
    private const uint SectionNoBits = 8;
    private const int SymbolSize = 24;

    private readonly SafeFileHandle _file;
    private readonly long _length;
    private readonly List<Section> _sections = [];

    private ElfImage(SafeFileHandle file, long length, ushort machine)
    {
        _file = file;
        _length = length;
        Machine = machine;
    }

    public ushort Machine { get; }

    /// <summary>Whether the file has a symbol table at all (<c>go build -ldflags=-s</c> strips it).</summary>
    public bool HasSymbols => _sections.Exists(s => s.Type == SectionSymbolTable);

    /// <summary>Opens <paramref name="path"/>; throws <see cref="InvalidDataException"/> when it is not a 64-bit little-endian ELF.</summary>
    public static ElfImage Open(string path)
    {
        SafeFileHandle file = File.OpenHandle(path);
        try
        {
            return Parse(file, path);
        }
        catch
        {
            file.Dispose();
            throw;
        }
    }

    public void Dispose() => _file.Dispose();

    public bool HasSection(string name) => _sections.Exists(s => s.Name == name);

    /// <summary>The bytes of the section named <paramref name="name"/>, or empty when it is missing.</summary>
    public byte[] SectionBytes(string name)
    {
        Section? section = _sections.Find(s => s.Name == name);
        return section is null ? [] : ReadAt(section.Offset, section.Size);
    }

    /// <summary>The symbol table's entry named <paramref name="name"/>: its address and size, or null.</summary>
    public (ulong Address, long Size)? FindSymbol(string name)
    {
        Section? symbols = _sections.Find(s => s.Type == SectionSymbolTable);
        if (symbols is null || symbols.Link >= _sections.Count)
        {
            return null;
        }

        byte[] table = ReadAt(symbols.Offset, symbols.Size);
        byte[] strings = ReadAt(_sections[symbols.Link].Offset, _sections[symbols.Link].Size);
        byte[] wanted = Encoding.UTF8.GetBytes(name);
        for (int at = 0; at + SymbolSize <= table.Length; at += SymbolSize)
        {
            ReadOnlySpan<byte> symbol = table.AsSpan(at, SymbolSize);
            long nameAt = BinaryPrimitives.ReadUInt32LittleEndian(symbol);
            if (nameAt + wanted.Length < strings.Length && strings[nameAt + wanted.Length] == 0
                && strings.AsSpan((int)nameAt, wanted.Length).SequenceEqual(wanted))
            {
                return (BinaryPrimitives.ReadUInt64LittleEndian(symbol[8..]), (long)BinaryPrimitives.ReadUInt64LittleEndian(symbol[16..]));
            }
        }

        return null;
    }

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
    public byte[] BytesAt(ulong address, long length)
    {
        long offset = FileOffset(address);
        return offset < 0 || length <= 0 || FileOffset(address + (ulong)(length - 1)) != offset + length - 1 ? [] : ReadAt(offset, length);
    }

    private static ElfImage Parse(SafeFileHandle file, string path)
    {
        long length = RandomAccess.GetLength(file);
        byte[] header = new byte[64];
        if (length < header.Length || RandomAccess.Read(file, header, 0) < header.Length
            || header[0] != 0x7f || header[1] != 'E' || header[2] != 'L' || header[3] != 'F')
        {
            throw new InvalidDataException($"{path} is not an ELF file");
        }

        if (header[4] != 2 || header[5] != 1)
        {
            throw new InvalidDataException($"{path} is not a 64-bit little-endian ELF file");
        }

        var image = new ElfImage(file, length, BinaryPrimitives.ReadUInt16LittleEndian(header.AsSpan(18)));
        long sectionsAt = (long)BinaryPrimitives.ReadUInt64LittleEndian(header.AsSpan(40));
        int entrySize = BinaryPrimitives.ReadUInt16LittleEndian(header.AsSpan(58));
        int count = BinaryPrimitives.ReadUInt16LittleEndian(header.AsSpan(60));
        int namesIndex = BinaryPrimitives.ReadUInt16LittleEndian(header.AsSpan(62));
        if (entrySize < 64 || sectionsAt <= 0 || sectionsAt + (long)count * entrySize > length || namesIndex >= count)
        {
            throw new InvalidDataException($"{path} has no valid section header table");
        }

        byte[] table = image.ReadAt(sectionsAt, (long)count * entrySize);
        var raw = new List<(uint Name, uint Type, ulong Address, long Offset, long Size, int Link)>(count);
        for (int i = 0; i < count; i++)
        {
            ReadOnlySpan<byte> entry = table.AsSpan(i * entrySize, 64);
            uint type = BinaryPrimitives.ReadUInt32LittleEndian(entry[4..]);
            long offset = (long)BinaryPrimitives.ReadUInt64LittleEndian(entry[24..]);
            long size = (long)BinaryPrimitives.ReadUInt64LittleEndian(entry[32..]);
            if (type != SectionNoBits && (offset < 0 || size < 0 || offset + size > length))
            {
                throw new InvalidDataException($"{path} has a section beyond the end of the file");
            }

            raw.Add((BinaryPrimitives.ReadUInt32LittleEndian(entry), type, BinaryPrimitives.ReadUInt64LittleEndian(entry[16..]), offset,
                type == SectionNoBits ? 0 : size, (int)BinaryPrimitives.ReadUInt32LittleEndian(entry[40..])));
        }

        byte[] names = image.ReadAt(raw[namesIndex].Offset, raw[namesIndex].Size);
        foreach (var (name, type, address, offset, size, link) in raw)
        {
            image._sections.Add(new Section(CString(names, name), type, address, offset, size, link));
        }

        return image;
    }

    private byte[] ReadAt(long offset, long length)
    {
        if (offset < 0 || length < 0 || offset + length > _length || length > int.MaxValue)
        {
            return [];
        }

        byte[] bytes = new byte[length];
        int done = 0;
        while (done < bytes.Length)
        {
            int read = RandomAccess.Read(_file, bytes.AsSpan(done), offset + done);
            if (read == 0)
            {
                return [];
            }

            done += read;
        }

        return bytes;
    }

    private static string CString(byte[] table, uint offset)
    {
        if (offset >= table.Length)
        {
            return string.Empty;
        }

        int end = Array.IndexOf(table, (byte)0, (int)offset);
        return Encoding.UTF8.GetString(table, (int)offset, (end < 0 ? table.Length : end) - (int)offset);
    }

    private sealed record Section(string Name, uint Type, ulong Address, long Offset, long Size, int Link);
}
