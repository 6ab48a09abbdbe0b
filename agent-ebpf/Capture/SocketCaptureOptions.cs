using OtlpGrains.Agent.Bpf;

namespace OtlpGrains.Agent.Capture;

/// <summary>How the kernel capture is loaded and drained.</summary>
public sealed class SocketCaptureOptions
{
    /// <summary>The largest capture the BPF program supports (its MAX_CAPTURE).</summary>
    public const int MaxCaptureBytes = 4096;

    /// <summary>Bytes copied from the start of each read/write (1 to 4096). Default: 1024.</summary>
    public int CaptureBytes { get; set; } = 1024;

    /// <summary>When non-empty, only these pids are captured; otherwise every process but the ignored ones. Default: empty.</summary>
    public IReadOnlyCollection<int> WatchedPids { get; set; } = [];

    /// <summary>
    /// When true, only pids added with <see cref="SocketCapture.Watch"/> (or <see cref="WatchedPids"/>) are captured,
    /// even while that list is empty. Default: false (true when <see cref="WatchedPids"/> is non-empty).
    /// </summary>
    public bool OnlyWatched { get; set; }

    /// <summary>
    /// When non-empty, only processes in these cgroup v2 directories (e.g. <c>/sys/fs/cgroup/kubepods.slice</c>) or in
    /// cgroups below them (up to 8 levels down) are captured, in addition to the pid filters. Default: empty.
    /// </summary>
    public IReadOnlyCollection<string> WatchedCgroups { get; set; } = [];

    /// <summary>
    /// When set, only processes in this network namespace (a file such as <c>/var/run/netns/node-a</c> or
    /// <c>/proc/PID/ns/net</c>) are captured, filtered in the kernel by the namespace's inode number. Default: null.
    /// </summary>
    public string? NetworkNamespace { get; set; }

    /// <summary>Pids never captured, in addition to the agent itself (always ignored). Default: empty.</summary>
    public IReadOnlyCollection<int> IgnoredPids { get; set; } = [];

    /// <summary>Ring buffer size in bytes, a power of two and a multiple of the page size. Default: 4 MiB.</summary>
    public int RingBufferBytes { get; set; } = 4 * 1024 * 1024;

    /// <summary>
    /// Queued bytes at which the kernel wakes the consumer before its next poll; below it, events are submitted with
    /// BPF_RB_NO_WAKEUP. Default: 256 KiB.
    /// </summary>
    public int WakeupBytes { get; set; } = 256 * 1024;

    /// <summary>How long the poll thread waits for a wake-up before draining anyway. Default: 50 ms (fewer wake-ups: 18.4% -> 15.3% of a core at 10,000 req/s than 10 ms).</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromMilliseconds(50);

    /// <summary>
    /// Whether a background thread drains the ring buffer; when false the owner calls <see cref="SocketCapture.Poll"/>
    /// (tests do, to drain deterministically). Default: true.
    /// </summary>
    public bool PollInBackground { get; set; } = true;

    /// <summary>Captured events waiting for the consumer; more are dropped and counted. Default: 65536.</summary>
    public int QueueCapacity { get; set; } = 65536;

    /// <summary>Attach groups to try, in order. Default: <see cref="AttachGroup.All"/>.</summary>
    public IReadOnlyList<AttachGroup> AttachGroups { get; set; } = AttachGroup.All;

    /// <summary>
    /// Whether OpenSSL plaintext is captured through uprobes on every libssl processes map (rescanned every
    /// <see cref="TlsRescanInterval"/>). When the TLS programs do not load, the capture runs without them and says why
    /// in <see cref="SocketCapture.TlsUnavailableReason"/>. Default: false (the agent's command line turns it on).
    /// </summary>
    public bool TlsProbes { get; set; }

    /// <summary>How often /proc is scanned for libssl files not attached yet; zero scans only at start. Default: 2 s.</summary>
    public TimeSpan TlsRescanInterval { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>Where the process table is mounted (tests point it elsewhere). Default: /proc.</summary>
    public string ProcRoot { get; set; } = "/proc";

    /// <summary>The compiled BPF object. Default: socket_capture.bpf.o next to the agent's assembly.</summary>
    public string ObjectPath { get; set; } = Path.Combine(AppContext.BaseDirectory, "socket_capture.bpf.o");

    internal void Validate()
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(CaptureBytes, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(CaptureBytes, MaxCaptureBytes);
        if (RingBufferBytes < Environment.SystemPageSize || (RingBufferBytes & (RingBufferBytes - 1)) != 0)
        {
            throw new ArgumentOutOfRangeException(nameof(RingBufferBytes), RingBufferBytes, "must be a power of two of at least one page");
        }

        ArgumentOutOfRangeException.ThrowIfLessThan(WakeupBytes, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(QueueCapacity, 1);
        foreach (string cgroup in WatchedCgroups)
        {
            if (!File.Exists(Path.Combine(cgroup, "cgroup.procs")))
            {
                throw new ArgumentException($"{cgroup} is not a cgroup directory (no cgroup.procs)", nameof(WatchedCgroups));
            }
        }
        if (NetworkNamespace is { } netns)
        {
            Conntrack.NetworkNamespace.InodeOf(netns); // throws ArgumentException naming the file when it is not one
        }

        if (AttachGroups.Count == 0)
        {
            throw new ArgumentException("at least one attach group is needed", nameof(AttachGroups));
        }
    }
}
