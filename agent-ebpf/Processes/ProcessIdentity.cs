using System.Text;

namespace OtlpGrains.Agent.Processes;

/// <summary>
/// Who a process is, for the OTLP resource of its spans: <c>service.name</c> from the process's own
/// <c>OTEL_SERVICE_NAME</c> or <c>OTEL_RESOURCE_ATTRIBUTES</c> when it sets them, else the Kubernetes container
/// name, else the executable name; plus the pid, executable, command line, container id and pod uid from the cgroup.
/// </summary>
public sealed record ProcessIdentity(
    int Pid,
    string ServiceName,
    string ExecutableName,
    string CommandLine,
    string? ContainerId,
    string? PodUid)
{
    /// <summary>A process that was gone before it could be read: the OpenTelemetry default service name.</summary>
    public static ProcessIdentity Unknown(int pid) => new(pid, "unknown_service", string.Empty, string.Empty, null, null);

    /// <summary>
    /// A process that exited before <c>/proc</c> could be read, named by the comm its events carried (e.g. <c>curl</c>);
    /// <see cref="Unknown"/> when that is empty too.
    /// </summary>
    public static ProcessIdentity FromCommand(int pid, string command) =>
        string.IsNullOrWhiteSpace(command) ? Unknown(pid) : new(pid, command, command, string.Empty, null, null);

    /// <summary>Reads <c>/proc/{pid}</c>; null when the process is gone or unreadable.</summary>
    public static ProcessIdentity? Read(int pid, string procRoot = "/proc")
    {
        try
        {
            var dir = Path.Combine(procRoot, pid.ToString(System.Globalization.CultureInfo.InvariantCulture));
            var commandLine = ReadNulSeparated(Path.Combine(dir, "cmdline"));
            var comm = File.ReadAllText(Path.Combine(dir, "comm")).Trim();

            // argv[0] as the process called itself, up to the first space: a process that rewrote its title keeps
            // its name there (redis-server), while the exe link may name a multi-call binary (redis-check-rdb).
            // Titles in the "name: details" form (a postgres backend is "postgres: user db 127.0.0.1(5432) idle")
            // keep the name before the colon.
            var executable = commandLine.Count > 0 ? Path.GetFileName(commandLine[0].Split(' ', 2)[0]).TrimEnd(':') : comm;
            if (executable.Length == 0)
            {
                executable = comm;
            }

            if (IsRuntime(executable) && commandLine.Count > 1)
            {
                executable = ProgramOfRuntime(commandLine) ?? executable;
            }

            var cgroup = File.Exists(Path.Combine(dir, "cgroup")) ? File.ReadAllText(Path.Combine(dir, "cgroup")) : string.Empty;
            var (containerId, podUid) = ParseCgroup(cgroup);
            var environment = ReadEnvironment(Path.Combine(dir, "environ"));
            var service = ServiceNameFrom(environment) ?? executable;
            return new ProcessIdentity(pid, service, executable, string.Join(' ', commandLine), containerId, podUid);
        }
        catch (IOException)
        {
            return null;
        }
        catch (UnauthorizedAccessException)
        {
            return null;
        }
    }

    private static bool IsRuntime(string executable) =>
        executable is "dotnet" or "java" or "node" || executable.StartsWith("python", StringComparison.Ordinal);

    /// <summary>
    /// For a runtime's command line, the program it runs: <c>python3 -m http.server</c> gives <c>http.server</c>,
    /// <c>java -jar shop.jar</c> gives <c>shop</c>, <c>dotnet Shop.dll</c> gives <c>Shop</c>.
    /// </summary>
    public static string? ProgramOfRuntime(IReadOnlyList<string> commandLine)
    {
        for (var i = 1; i < commandLine.Count; i++)
        {
            var argument = commandLine[i];
            if (argument is "-m" or "-jar" && i + 1 < commandLine.Count)
            {
                return argument == "-m" ? commandLine[i + 1] : Path.GetFileNameWithoutExtension(commandLine[i + 1]);
            }

            if (!argument.StartsWith('-'))
            {
                return Path.GetFileNameWithoutExtension(argument);
            }
        }

        return null;
    }

    /// <summary>The service name a process asked for through the standard OpenTelemetry variables.</summary>
    public static string? ServiceNameFrom(IReadOnlyDictionary<string, string> environment)
    {
        if (environment.TryGetValue("OTEL_SERVICE_NAME", out var name) && name.Length > 0)
        {
            return name;
        }

        if (environment.TryGetValue("OTEL_RESOURCE_ATTRIBUTES", out var attributes))
        {
            foreach (var pair in attributes.Split(','))
            {
                var parts = pair.Split('=', 2);
                if (parts.Length == 2 && parts[0].Trim() == "service.name" && parts[1].Trim().Length > 0)
                {
                    return Uri.UnescapeDataString(parts[1].Trim());
                }
            }
        }

        return null;
    }

    /// <summary>
    /// The container id (64 hex characters in a cgroup path segment, as docker, containerd and cri-o name them) and
    /// the Kubernetes pod uid (<c>pod&lt;uid&gt;</c>, with '_' for '-' under the systemd driver).
    /// </summary>
    public static (string? ContainerId, string? PodUid) ParseCgroup(string cgroup)
    {
        string? container = null, pod = null;
        foreach (var segment in cgroup.Split(['/', '\n', ':'], StringSplitOptions.RemoveEmptyEntries))
        {
            var name = segment.EndsWith(".scope", StringComparison.Ordinal) || segment.EndsWith(".slice", StringComparison.Ordinal) ? segment[..^6] : segment;
            var dash = name.LastIndexOf('-');
            var candidate = dash >= 0 ? name[(dash + 1)..] : name;
            if (candidate.Length == 64 && candidate.All(char.IsAsciiHexDigitLower))
            {
                container = candidate;
            }

            var podAt = name.LastIndexOf("pod", StringComparison.Ordinal);
            if (podAt >= 0 && name.Length - podAt - 3 >= 36)
            {
                var uid = name.Substring(podAt + 3, 36).Replace('_', '-');
                if (Guid.TryParse(uid, out _))
                {
                    pod = uid;
                }
            }
        }

        return (container, pod);
    }

    private static List<string> ReadNulSeparated(string path) =>
        [.. File.ReadAllText(path, Encoding.UTF8).Split('\0', StringSplitOptions.RemoveEmptyEntries)];

    private static Dictionary<string, string> ReadEnvironment(string path)
    {
        var environment = new Dictionary<string, string>(StringComparer.Ordinal);
        if (!File.Exists(path))
        {
            return environment;
        }

        try
        {
            foreach (var entry in ReadNulSeparated(path))
            {
                var parts = entry.Split('=', 2);
                if (parts.Length == 2)
                {
                    environment[parts[0]] = parts[1];
                }
            }
        }
        catch (UnauthorizedAccessException)
        {
            // Another user's process without CAP_SYS_PTRACE: fall back to the executable name.
        }

        return environment;
    }
}
