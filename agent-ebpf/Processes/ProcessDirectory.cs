using System.Globalization;

namespace OtlpGrains.Agent.Processes;

/// <summary>
/// The identities of the processes the agent has seen, by pid. An identity is read from <c>/proc</c> at a process's
/// first event (while it most likely still runs; one already gone is named by the comm its event carried). A sweep
/// every <paramref name="sweepIntervalNs"/> drops processes that exited (so a node full of short-lived processes does
/// not grow the map without end) and pids that a new process took over (told by the start time in <c>stat</c>), whose
/// identity is then read again at their next event. Single-threaded: the pipeline's thread.
/// </summary>
public sealed class ProcessDirectory(string procRoot = "/proc", long sweepIntervalNs = 10_000_000_000)
{
    private readonly Dictionary<int, Entry> _byPid = [];
    private long _lastSweepNs;

    /// <summary>Processes known now.</summary>
    public int Count => _byPid.Count;

    /// <summary>Processes read so far (a new value tells the workload reporter a process appeared).</summary>
    public long Added { get; private set; }

    /// <summary>Entries dropped by sweeps: the process exited or its pid was reused.</summary>
    public long Forgotten { get; private set; }

    /// <summary>
    /// Notes an event of <paramref name="pid"/> at <paramref name="nowNs"/>; reads its identity the first time, named by
    /// <paramref name="command"/>(<paramref name="state"/>) when <c>/proc</c> no longer has it (called only then).
    /// </summary>
    public void Seen<TState>(int pid, long nowNs, TState state, Func<TState, string> command)
    {
        if (_byPid.TryGetValue(pid, out var entry))
        {
            entry.LastSeenNs = nowNs;
            return;
        }

        var identity = ProcessIdentity.Read(pid, procRoot) ?? ProcessIdentity.FromCommand(pid, command(state));
        _byPid[pid] = new Entry(identity, StartTime(pid)) { LastSeenNs = nowNs };
        Added++;
    }

    /// <summary>The processes known now with their start time (clock ticks after boot; null when it could not be read).</summary>
    public IReadOnlyList<(ProcessIdentity Identity, long? StartTicks)> Snapshot() =>
        [.. _byPid.Values.Select(e => (e.Identity, e.StartTime))];

    /// <summary>The identity of a process, read now if it was never seen (<c>unknown_service</c> when it is gone).</summary>
    public ProcessIdentity Get(int pid)
    {
        if (_byPid.TryGetValue(pid, out var entry))
        {
            return entry.Identity;
        }

        var identity = ProcessIdentity.Read(pid, procRoot) ?? ProcessIdentity.Unknown(pid);
        _byPid[pid] = new Entry(identity, StartTime(pid));
        Added++;
        return identity;
    }

    /// <summary>Drops exited and reused pids not seen for a sweep interval; runs at most once per interval.</summary>
    public void Sweep(long nowNs)
    {
        if (nowNs - _lastSweepNs < sweepIntervalNs)
        {
            return;
        }

        _lastSweepNs = nowNs;
        List<int>? gone = null;
        foreach (var (pid, entry) in _byPid)
        {
            // Recently active processes keep their entry: their spans may still be on the way.
            if (nowNs - entry.LastSeenNs >= sweepIntervalNs && StartTime(pid) is var start && (start is null || start != entry.StartTime))
            {
                (gone ??= []).Add(pid);
            }
        }

        foreach (var pid in gone ?? [])
        {
            _byPid.Remove(pid);
            Forgotten++;
        }
    }

    // Field 22 of /proc/PID/stat (clock ticks after boot); null when the process is gone. The comm (field 2) may
    // hold spaces and parentheses, so fields are counted from the last ')'.
    private long? StartTime(int pid)
    {
        try
        {
            var stat = File.ReadAllText(Path.Combine(procRoot, pid.ToString(CultureInfo.InvariantCulture), "stat"));
            var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            return fields.Length > 19 && long.TryParse(fields[19], NumberStyles.None, CultureInfo.InvariantCulture, out var start) ? start : null;
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

    private sealed class Entry(ProcessIdentity identity, long? startTime)
    {
        public ProcessIdentity Identity { get; } = identity;

        public long? StartTime { get; } = startTime;

        public long LastSeenNs { get; set; }
    }
}
