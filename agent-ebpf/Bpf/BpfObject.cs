using System.Runtime.InteropServices;

namespace OtlpGrains.Agent.Bpf;

/// <summary>
/// One opened libbpf object: choose programs, size maps, load, attach. Disposing destroys every link (which
/// detaches the programs) and closes the object (which frees programs and maps).
/// </summary>
internal sealed unsafe class BpfObject : IDisposable
{
    private readonly List<nint> _links = [];
    private readonly List<string> _enabled = [];
    private nint _handle;

    private BpfObject(nint handle) => _handle = handle;

    /// <summary>Opens (parses, does not load) a compiled <c>.bpf.o</c>.</summary>
    public static BpfObject Open(string path)
    {
        if (!File.Exists(path))
        {
            throw new BpfException($"BPF object {path} is missing (build the agent with clang and bpftool installed)");
        }

        long mark = LibBpfLog.Mark();
        nint handle = LibBpf.ObjectOpenFile(path, 0);
        if (handle == 0)
        {
            throw new BpfException($"opening {path} failed", Marshal.GetLastPInvokeError(), LibBpfLog.SummarySince(mark));
        }

        return new BpfObject(handle);
    }

    /// <summary>The programs that will load (and attach).</summary>
    public IReadOnlyList<string> EnabledPrograms => _enabled;

    /// <summary>Enables exactly the programs whose name starts with <paramref name="prefix"/>.</summary>
    public void EnableOnly(string prefix)
    {
        _enabled.Clear();
        for (nint program = LibBpf.NextProgram(_handle, 0); program != 0; program = LibBpf.NextProgram(_handle, program))
        {
            string name = Marshal.PtrToStringUTF8(LibBpf.ProgramName(program)) ?? string.Empty;
            bool enable = name.StartsWith(prefix, StringComparison.Ordinal);
            LibBpf.ProgramSetAutoload(program, enable);
            if (enable)
            {
                _enabled.Add(name);
            }
        }

        if (_enabled.Count == 0)
        {
            throw new BpfException($"the BPF object has no programs named {prefix}*");
        }
    }

    /// <summary>
    /// Also loads the programs whose name starts with <paramref name="prefix"/>, without attaching them in
    /// <see cref="AttachAll"/> (their owner attaches them, e.g. with <see cref="AttachUprobe"/>). Returns how many.
    /// </summary>
    public int LoadAlso(string prefix)
    {
        int count = 0;
        for (nint program = LibBpf.NextProgram(_handle, 0); program != 0; program = LibBpf.NextProgram(_handle, program))
        {
            string name = Marshal.PtrToStringUTF8(LibBpf.ProgramName(program)) ?? string.Empty;
            if (name.StartsWith(prefix, StringComparison.Ordinal))
            {
                LibBpf.ProgramSetAutoload(program, true);
                count++;
            }
        }

        return count;
    }

    /// <summary>
    /// Attaches a loaded program as a uprobe (or uretprobe) on <paramref name="function"/> of the ELF file at
    /// <paramref name="binaryPath"/>, in every process that maps it (pid -1). Returns the link, which the caller
    /// destroys with <see cref="LibBpf.LinkDestroy"/> before this object is disposed.
    /// </summary>
    public nint AttachUprobe(string programName, string binaryPath, string function, bool retprobe) =>
        AttachUprobeCore(programName, binaryPath, function, 0, retprobe, function);

    /// <summary>
    /// Attaches a loaded program as a uprobe at file offset <paramref name="fileOffset"/> of the ELF file at
    /// <paramref name="binaryPath"/> (an instruction inside a function), in every process that maps it (pid -1).
    /// </summary>
    public nint AttachUprobeAt(string programName, string binaryPath, long fileOffset) =>
        AttachUprobeCore(programName, binaryPath, null, (nuint)fileOffset, false, $"offset 0x{fileOffset:x}");

    private nint AttachUprobeCore(string programName, string binaryPath, string? function, nuint offset, bool retprobe, string where)
    {
        nint program = LibBpf.FindProgramByName(_handle, programName);
        if (program == 0)
        {
            throw new BpfException($"the BPF object has no program {programName}");
        }

        long mark = LibBpfLog.Mark();
        nint link;
        nint path = Marshal.StringToCoTaskMemUTF8(binaryPath);
        nint name = function is null ? 0 : Marshal.StringToCoTaskMemUTF8(function);
        try
        {
            var options = new UprobeOptions
            {
                Size = (nuint)sizeof(UprobeOptions),
                Retprobe = retprobe ? (byte)1 : (byte)0,
                FunctionName = name,
            };
            link = LibBpf.ProgramAttachUprobe(program, -1, (byte*)path, offset, &options);
        }
        finally
        {
            Marshal.FreeCoTaskMem(path);
            Marshal.FreeCoTaskMem(name);
        }

        if (link == 0)
        {
            int errno = Marshal.GetLastPInvokeError();
            throw new BpfException($"attaching {programName} to {where} in {binaryPath} failed", errno, LibBpfLog.SummarySince(mark));
        }

        return link;
    }

    public void SetMaxEntries(string mapName, uint maxEntries)
    {
        int rc = LibBpf.MapSetMaxEntries(FindMap(mapName), maxEntries);
        if (rc != 0)
        {
            throw new BpfException($"sizing map {mapName} to {maxEntries} failed", -rc, null);
        }
    }

    /// <summary>Loads the enabled programs into the kernel (the verifier runs here) and creates the maps.</summary>
    public void Load()
    {
        long mark = LibBpfLog.Mark();
        int rc = LibBpf.ObjectLoad(_handle);
        if (rc != 0)
        {
            throw new BpfException("loading the BPF programs failed", -rc, LibBpfLog.SummarySince(mark));
        }
    }

    public int MapFd(string mapName)
    {
        int fd = LibBpf.MapFd(FindMap(mapName));
        if (fd < 0)
        {
            throw new BpfException($"map {mapName} has no file descriptor (not loaded?)", -fd, null);
        }

        return fd;
    }

    /// <summary>Attaches every enabled program; returns the failures (name and reason), empty when all attached.</summary>
    public IReadOnlyList<string> AttachAll()
    {
        var failures = new List<string>();
        foreach (string name in _enabled)
        {
            long mark = LibBpfLog.Mark();
            nint program = LibBpf.FindProgramByName(_handle, name);
            nint link = program == 0 ? 0 : LibBpf.ProgramAttach(program);
            if (link == 0)
            {
                int errno = Marshal.GetLastPInvokeError();
                string detail = LibBpfLog.SummarySince(mark) ?? Marshal.GetPInvokeErrorMessage(errno);
                failures.Add($"{name}: {detail}");
                continue;
            }

            _links.Add(link);
        }

        return failures;
    }

    public void Dispose()
    {
        foreach (nint link in _links)
        {
            _ = LibBpf.LinkDestroy(link); // teardown: nothing useful to do if the kernel refuses
        }

        _links.Clear();
        if (_handle != 0)
        {
            LibBpf.ObjectClose(_handle);
            _handle = 0;
        }
    }

    private nint FindMap(string mapName)
    {
        nint map = LibBpf.FindMapByName(_handle, mapName);
        return map != 0 ? map : throw new BpfException($"the BPF object has no map {mapName}");
    }
}
