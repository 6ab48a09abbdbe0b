using System.Globalization;

namespace OtlpGrains.Agent.Tls;

/// <summary>
/// Finds the TLS libraries processes have mapped, from <c>/proc/*/maps</c>: each mapping whose file name starts with
/// <c>libssl.so</c> (OpenSSL) or <c>libgnutls.so</c> (GnuTLS), once per file (device and inode), and, when asked, the
/// Go executables (an ELF <c>.go.buildinfo</c> section) processes run. The file is opened through
/// <c>/proc/PID/root</c>, so a library inside a container's file system is found at the path the container sees.
/// </summary>
internal static class TlsLibraryDiscovery
{
    private static readonly (string Prefix, byte[] Bytes, TlsLibraryKind Kind)[] Libraries =
    [
        ("libssl.so", "libssl.so"u8.ToArray(), TlsLibraryKind.OpenSsl),
        ("libgnutls.so", "libgnutls.so"u8.ToArray(), TlsLibraryKind.GnuTls),
    ];

    /// <summary>Every distinct TLS library mapped under <paramref name="procRoot"/> (normally <c>/proc</c>).</summary>
    /// <param name="known">Files already handled (device, inode); they are not returned again.</param>
    /// <param name="reads">
    /// When given: each process's virtual size when its maps were last read, and when, updated here. A process whose
    /// size has not changed has mapped nothing new, so its maps are not read again (reading maps is the costly part: the
    /// kernel formats every line). One whose size changed is read again at once while it is young (seen first less
    /// than 3 x <paramref name="rereadAfterMs"/> ago: runtimes load their TLS library when first used, mostly soon after
    /// start), later only once <paramref name="rereadAfterMs"/> have passed since its last read: managed runtimes
    /// change size all the time, mostly for their heaps.
    /// </param>
    /// <param name="executables">
    /// When given: Go executables are looked for too, and every other executable examined is added here, so its ELF
    /// headers are read once.
    /// </param>
    /// <param name="nowMs">The time of this scan on a millisecond clock (<see cref="Environment.TickCount64"/>).</param>
    /// <param name="rereadAfterMs">How long a process whose size changed waits before its maps are read again.</param>
    public static List<TlsLibraryFile> Scan(string procRoot, IReadOnlySet<(string Device, long Inode)> known, Dictionary<int, MapsRead>? reads = null,
        HashSet<(string Device, long Inode)>? executables = null, long nowMs = 0, long rereadAfterMs = 0)
    {
        var found = new List<TlsLibraryFile>();
        var seen = new HashSet<(string, long)>();
        byte[] buffer = new byte[64 * 1024];
        Dictionary<int, MapsRead>? current = reads is null ? null : new(reads.Count);
        IEnumerable<string> directories;
        try
        {
            directories = Directory.EnumerateDirectories(procRoot);
        }
        catch (IOException)
        {
            return found;
        }

        foreach (string directory in directories)
        {
            if (!int.TryParse(System.IO.Path.GetFileName(directory), NumberStyles.None, CultureInfo.InvariantCulture, out int pid))
            {
                continue;
            }

            try
            {
                if (reads is not null)
                {
                    long size = VirtualSize(System.IO.Path.Combine(directory, "stat"), ref buffer);
                    bool readBefore = reads.TryGetValue(pid, out MapsRead last);
                    bool settled = readBefore && nowMs - last.FirstAtMs >= 3 * rereadAfterMs;
                    if (size >= 0 && readBefore && (last.Size == size || (settled && nowMs - last.AtMs < rereadAfterMs)))
                    {
                        current![pid] = last; // a change not read yet still differs from the size kept
                        continue;
                    }

                    current![pid] = new MapsRead(size, nowMs, readBefore ? last.FirstAtMs : nowMs);
                }

                int length = ReadAll(System.IO.Path.Combine(directory, "maps"), ref buffer);
                ReadOnlySpan<byte> text = buffer.AsSpan(0, length);
                foreach (var (_, prefix, kind) in Libraries)
                {
                    FindLibraries(text, prefix, kind, pid, directory, known, seen, found);
                }

                if (executables is not null && GoExecutable(text, pid, directory, known, executables) is { } go && seen.Add((go.Device, go.Inode)))
                {
                    found.Add(go);
                }
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // The process exited while we looked, or hides its maps: the next scan sees it again if it matters.
            }
        }

        if (reads is not null)
        {
            // Exited processes drop out; a reused pid with another size is read again.
            reads.Clear();
            foreach (var (pid, read) in current!)
            {
                reads[pid] = read;
            }
        }

        return found;
    }

    // Only lines naming the library become strings: maps of large processes run to thousands of lines.
    private static void FindLibraries(ReadOnlySpan<byte> text, ReadOnlySpan<byte> prefix, TlsLibraryKind kind, int pid, string directory,
        IReadOnlySet<(string, long)> known, HashSet<(string, long)> seen, List<TlsLibraryFile> found)
    {
        for (int from = 0; from < text.Length;)
        {
            int hit = text[from..].IndexOf(prefix);
            if (hit < 0)
            {
                return;
            }

            hit += from;
            int start = text[..hit].LastIndexOf((byte)'\n') + 1;
            int newline = text[hit..].IndexOf((byte)'\n');
            int end = newline < 0 ? text.Length : hit + newline;
            string line = System.Text.Encoding.UTF8.GetString(text[start..end]);
            if (TryParse(line, out string device, out long inode, out string path, out TlsLibraryKind parsed) && parsed == kind
                && !known.Contains((device, inode)) && seen.Add((device, inode)))
            {
                found.Add(new TlsLibraryFile(pid, path, device, inode, $"{directory}/root{path}", kind));
            }

            from = end;
        }
    }

    // The process's executable (the target of /proc/PID/exe, identified by the maps line that maps it) when it is a Go
    // program not examined before.
    private static TlsLibraryFile? GoExecutable(ReadOnlySpan<byte> maps, int pid, string directory, IReadOnlySet<(string, long)> known,
        HashSet<(string Device, long Inode)> executables)
    {
        string? target = new FileInfo(System.IO.Path.Combine(directory, "exe")).LinkTarget;
        if (target is null || !target.StartsWith('/') || target.EndsWith(" (deleted)", StringComparison.Ordinal))
        {
            return null;
        }

        byte[] suffix = System.Text.Encoding.UTF8.GetBytes(" " + target + "\n");
        int hit = maps.IndexOf(suffix);
        if (hit < 0)
        {
            return null;
        }

        int start = maps[..hit].LastIndexOf((byte)'\n') + 1;
        string line = System.Text.Encoding.UTF8.GetString(maps[start..(hit + suffix.Length - 1)]);
        if (!TryParseMapping(line, out string device, out long inode, out string path) || known.Contains((device, inode))
            || executables.Contains((device, inode)))
        {
            return null;
        }

        // A Go executable goes to the caller, which adds it to `known` once handled; any other is not read again.
        string openPath = $"{directory}/root{path}";
        if (GoTlsBinary.IsGoExecutable(openPath))
        {
            return new TlsLibraryFile(pid, path, device, inode, openPath, TlsLibraryKind.Go);
        }

        executables.Add((device, inode));
        return null;
    }

    // Field 23 (vsize) of /proc/PID/stat, or -1; the fields start after the last ')' (the comm may hold anything).
    private static long VirtualSize(string statPath, ref byte[] buffer)
    {
        int length;
        try
        {
            length = ReadAll(statPath, ref buffer);
        }
        catch (IOException)
        {
            return -1; // unknown: the maps are read anyway
        }

        ReadOnlySpan<byte> text = buffer.AsSpan(0, length);
        int paren = text.LastIndexOf((byte)')');
        if (paren < 0)
        {
            return -1;
        }

        // After the comm: field 3 (state) is token 0, so field 23 is token 20.
        text = text[(paren + 1)..];
        for (int token = 0; ; token++)
        {
            text = text.TrimStart((byte)' ');
            int space = text.IndexOf((byte)' ');
            if (space < 0)
            {
                return -1;
            }

            if (token == 20)
            {
                return long.TryParse(text[..space], NumberStyles.None, CultureInfo.InvariantCulture, out long size) ? size : -1;
            }

            text = text[space..];
        }
    }

    // Reads a whole /proc file (its size is unknown until read) into a reused buffer that grows as needed.
    private static int ReadAll(string path, ref byte[] buffer)
    {
        using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite, bufferSize: 0);
        int length = 0;
        while (true)
        {
            if (length == buffer.Length)
            {
                Array.Resize(ref buffer, buffer.Length * 2);
            }

            int read = file.Read(buffer, length, buffer.Length - length);
            if (read == 0)
            {
                return length;
            }

            length += read;
        }
    }

    /// <summary>
    /// Parses one maps line (<c>address perms offset dev inode path</c>) that maps a TLS library file; false for other
    /// mappings, anonymous ones and files deleted since they were mapped.
    /// </summary>
    public static bool TryParse(string line, out string device, out long inode, out string path, out TlsLibraryKind kind)
    {
        kind = default;
        if (!TryParseMapping(line, out device, out inode, out path))
        {
            return false;
        }

        string name = System.IO.Path.GetFileName(path);
        foreach (var (prefix, _, library) in Libraries)
        {
            if (name.StartsWith(prefix, StringComparison.Ordinal))
            {
                kind = library;
                return true;
            }
        }

        return false;
    }

    // A maps line that maps a file still on disk: its device, inode and path.
    private static bool TryParseMapping(string line, out string device, out long inode, out string path)
    {
        device = string.Empty;
        inode = 0;
        path = string.Empty;
        string[] fields = line.Split(' ', 6, StringSplitOptions.RemoveEmptyEntries);
        if (fields.Length < 6 || !long.TryParse(fields[4], NumberStyles.None, CultureInfo.InvariantCulture, out inode) || inode == 0)
        {
            return false;
        }

        string file = fields[5].Trim();
        if (!file.StartsWith('/') || file.EndsWith(" (deleted)", StringComparison.Ordinal))
        {
            return false;
        }

        device = fields[3];
        path = file;
        return true;
    }
}
