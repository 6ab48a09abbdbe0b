using System.Runtime.InteropServices;

namespace OtlpGrains.Agent.Bpf;

/// <summary>The libc calls the loader needs: formatting libbpf's messages, the effective uid and mounting tracefs.</summary>
internal static unsafe partial class Libc
{
    private const string Library = "libc";

    // On x86-64 a va_list argument arrives as a pointer, so libbpf's print callback can hand it straight on.
    [LibraryImport(Library, EntryPoint = "vsnprintf")]
    internal static partial int VsnPrintf(byte* buffer, nuint size, nint format, nint arguments);

    [LibraryImport(Library, EntryPoint = "geteuid")]
    internal static partial uint GetEffectiveUserId();

    // glibc 2.33+ exports stat itself; the buffer is struct stat, whose st_ino sits at offset 8 on x86-64 and arm64.
    [LibraryImport(Library, EntryPoint = "stat", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    internal static partial int Stat(string path, byte* buffer);

    [LibraryImport(Library, EntryPoint = "mount", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    internal static partial int Mount(string source, string target, string fileSystemType, ulong flags, nint data);
}
