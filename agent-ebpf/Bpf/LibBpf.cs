using System.Runtime.InteropServices;

namespace OtlpGrains.Agent.Bpf;

/// <summary>
/// The few libbpf 1.x entry points the agent uses, bound to the system <c>libbpf.so.1</c> (Debian <c>libbpf1</c>).
/// libbpf 1.x returns NULL or a negative errno on failure and also sets errno, so pointer-returning calls use
/// <c>SetLastError</c> and callers read <see cref="Marshal.GetLastPInvokeError"/>.
/// </summary>
internal static unsafe partial class LibBpf
{
    private const string Library = "libbpf.so.1";

    [LibraryImport(Library, EntryPoint = "bpf_object__open_file", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    internal static partial nint ObjectOpenFile(string path, nint options);

    [LibraryImport(Library, EntryPoint = "bpf_object__load")]
    internal static partial int ObjectLoad(nint bpfObject);

    [LibraryImport(Library, EntryPoint = "bpf_object__close")]
    internal static partial void ObjectClose(nint bpfObject);

    [LibraryImport(Library, EntryPoint = "bpf_object__find_program_by_name", StringMarshalling = StringMarshalling.Utf8)]
    internal static partial nint FindProgramByName(nint bpfObject, string name);

    [LibraryImport(Library, EntryPoint = "bpf_object__next_program")]
    internal static partial nint NextProgram(nint bpfObject, nint previous);

    [LibraryImport(Library, EntryPoint = "bpf_program__name")]
    internal static partial nint ProgramName(nint program);

    [LibraryImport(Library, EntryPoint = "bpf_program__set_autoload")]
    internal static partial int ProgramSetAutoload(nint program, [MarshalAs(UnmanagedType.U1)] bool autoload);

    [LibraryImport(Library, EntryPoint = "bpf_program__attach", SetLastError = true)]
    internal static partial nint ProgramAttach(nint program);

    [LibraryImport(Library, EntryPoint = "bpf_program__attach_uprobe_opts", SetLastError = true)]
    internal static partial nint ProgramAttachUprobe(nint program, int pid, byte* binaryPath, nuint functionOffset, UprobeOptions* options);

    [LibraryImport(Library, EntryPoint = "bpf_link__destroy")]
    internal static partial int LinkDestroy(nint link);

    [LibraryImport(Library, EntryPoint = "bpf_object__find_map_by_name", StringMarshalling = StringMarshalling.Utf8)]
    internal static partial nint FindMapByName(nint bpfObject, string name);

    [LibraryImport(Library, EntryPoint = "bpf_map__fd")]
    internal static partial int MapFd(nint map);

    [LibraryImport(Library, EntryPoint = "bpf_map__set_max_entries")]
    internal static partial int MapSetMaxEntries(nint map, uint maxEntries);

    [LibraryImport(Library, EntryPoint = "bpf_map_update_elem", SetLastError = true)]
    internal static partial int MapUpdateElem(int mapFd, void* key, void* value, ulong flags);

    [LibraryImport(Library, EntryPoint = "bpf_map_lookup_elem", SetLastError = true)]
    internal static partial int MapLookupElem(int mapFd, void* key, void* value);

    [LibraryImport(Library, EntryPoint = "bpf_map_delete_elem", SetLastError = true)]
    internal static partial int MapDeleteElem(int mapFd, void* key);

    [LibraryImport(Library, EntryPoint = "libbpf_num_possible_cpus")]
    internal static partial int NumPossibleCpus();

    [LibraryImport(Library, EntryPoint = "ring_buffer__new", SetLastError = true)]
    internal static partial nint RingBufferNew(int mapFd, delegate* unmanaged<nint, nint, nuint, int> sample, nint context, nint options);

    [LibraryImport(Library, EntryPoint = "ring_buffer__poll")]
    internal static partial int RingBufferPoll(nint ringBuffer, int timeoutMs);

    [LibraryImport(Library, EntryPoint = "ring_buffer__consume")]
    internal static partial int RingBufferConsume(nint ringBuffer);

    [LibraryImport(Library, EntryPoint = "ring_buffer__free")]
    internal static partial void RingBufferFree(nint ringBuffer);

    [LibraryImport(Library, EntryPoint = "libbpf_set_print")]
    internal static partial nint SetPrint(delegate* unmanaged<int, nint, nint, int> print);

    /// <summary>BPF_ANY for <see cref="MapUpdateElem"/>: create or replace.</summary>
    internal const ulong UpdateAny = 0;

    /// <summary>BPF_NOEXIST for <see cref="MapUpdateElem"/>: create only.</summary>
    internal const ulong UpdateNoExist = 1;
}
