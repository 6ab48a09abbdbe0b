// Compiled by MSBuild's RoslynCodeTaskFactory (TorchSharpNatives.targets), not part of OtlpGrains.Models.
using System;
using System.IO;
using System.Text;
using Microsoft.Build.Framework;
using Microsoft.Build.Utilities;

/// <summary>
/// Reads how a 64-bit little-endian ELF shared library asks for a symbol version of another library
/// (.gnu.version_r), and optionally marks that requirement weak (VER_FLG_WEAK), so that the dynamic loader accepts a
/// library that does not define the version as long as some loaded object defines the symbols bound to it.
/// </summary>
public sealed class OtlpGrainsElfVersionNeed : Task
{
    private const uint ShtGnuVerneed = 0x6ffffffe;
    private const ushort VerFlgWeak = 0x2;

    [Required]
    public string File { get; set; } = "";

    [Required]
    public string Version { get; set; } = "";

    public bool MarkWeak { get; set; }

    /// <summary>"absent", "strong" or "weak", as found before any change.</summary>
    [Output]
    public string State { get; set; } = "";

    public override bool Execute()
    {
        byte[] elf = System.IO.File.ReadAllBytes(File);
        if (elf.Length < 64 || elf[0] != 0x7f || elf[1] != (byte)'E' || elf[2] != (byte)'L' || elf[3] != (byte)'F' || elf[4] != 2 || elf[5] != 1)
        {
            Log.LogError("{0} is not a 64-bit little-endian ELF file", File);
            return false;
        }

        long sectionHeaders = (long)BitConverter.ToUInt64(elf, 0x28);
        int entrySize = BitConverter.ToUInt16(elf, 0x3a);
        int sections = BitConverter.ToUInt16(elf, 0x3c);
        State = "absent";
        for (int s = 0; s < sections; s++)
        {
            int header = checked((int)(sectionHeaders + ((long)s * entrySize)));
            if (BitConverter.ToUInt32(elf, header + 4) != ShtGnuVerneed)
            {
                continue;
            }

            int needs = checked((int)BitConverter.ToUInt64(elf, header + 24));
            int stringsHeader = checked((int)(sectionHeaders + ((long)BitConverter.ToUInt32(elf, header + 40) * entrySize)));
            int strings = checked((int)BitConverter.ToUInt64(elf, stringsHeader + 24));
            int count = (int)BitConverter.ToUInt32(elf, header + 44);
            int need = needs;
            for (int n = 0; n < count; n++)
            {
                int aux = need + (int)BitConverter.ToUInt32(elf, need + 8);
                int auxCount = BitConverter.ToUInt16(elf, need + 2);
                for (int a = 0; a < auxCount; a++)
                {
                    if (NameAt(elf, strings + (int)BitConverter.ToUInt32(elf, aux + 8)) == Version)
                    {
                        ushort flags = BitConverter.ToUInt16(elf, aux + 4);
                        State = (flags & VerFlgWeak) != 0 ? "weak" : "strong";
                        if (MarkWeak && State == "strong")
                        {
                            WriteFlags(aux + 4, (ushort)(flags | VerFlgWeak));
                        }

                        return true;
                    }

                    aux += (int)BitConverter.ToUInt32(elf, aux + 12);
                }

                need += (int)BitConverter.ToUInt32(elf, need + 12);
            }
        }

        if (MarkWeak)
        {
            Log.LogError("{0} does not ask for version {1}", File, Version);
            return false;
        }

        return true;
    }

    private static string NameAt(byte[] elf, int offset)
    {
        int end = Array.IndexOf(elf, (byte)0, offset);
        return Encoding.ASCII.GetString(elf, offset, end - offset);
    }

    private void WriteFlags(int offset, ushort flags)
    {
        using var file = new FileStream(File, FileMode.Open, FileAccess.Write);
        file.Position = offset;
        file.Write(BitConverter.GetBytes(flags), 0, 2);
    }
}
