using System.Globalization;

namespace OtlpGrains.Agent.Tls;

/// <summary>
/// Finds the libssl files processes have mapped, from <c>/proc/*/maps</c>: each mapping whose file name starts with
/// <c>libssl.so</c>, once per file (device and inode). The file is opened through <c>/proc/PID/root</c>, so a library
/// inside a container's file system is found at the path the container sees.
/// </summary>
internal static class LibsslDiscovery
{
    private const string FilePrefix = "libssl.so";

    /// <summary>Every distinct libssl mapped under <paramref name="procRoot"/> (normally <c>/proc</c>).</summary>
    /// <param name="known">Files already handled (device, inode); they are not returned again.</param>
    public static List<LibsslFile> Scan(string procRoot, IReadOnlySet<(string Device, long Inode)> known)
    {
        var found = new List<LibsslFile>();
        var seen = new HashSet<(string, long)>();
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
                // Read line by line: maps of large processes run to thousands of lines, and most name no libssl.
                foreach (string line in File.ReadLines(System.IO.Path.Combine(directory, "maps")))
                {
                    if (line.Contains(FilePrefix, StringComparison.Ordinal) && TryParse(line, out string device, out long inode, out string path)
                        && !known.Contains((device, inode)) && seen.Add((device, inode)))
                    {
                        found.Add(new LibsslFile(pid, path, device, inode, $"{directory}/root{path}"));
                    }
                }
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // The process exited while we looked, or hides its maps: the next scan sees it again if it matters.
            }
        }

        return found;
    }

    /// <summary>
    /// Parses one maps line (<c>address perms offset dev inode path</c>) that maps a libssl file; false for other
    /// mappings, anonymous ones and files deleted since they were mapped.
    /// </summary>
    public static bool TryParse(string line, out string device, out long inode, out string path)
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
        if (!file.StartsWith('/') || file.EndsWith(" (deleted)", StringComparison.Ordinal)
            || !System.IO.Path.GetFileName(file).StartsWith(FilePrefix, StringComparison.Ordinal))
        {
            return false;
        }

        device = fields[3];
        path = file;
        return true;
    }
}
