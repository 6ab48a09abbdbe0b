using OtlpGrains.Agent.Bpf;

namespace OtlpGrains.Agent.Tls;

/// <summary>
/// Attaches the TLS plaintext probes (the <c>tls_*</c> and <c>go_tls_*</c> programs of the capture object) to every
/// distinct TLS library and Go executable that processes map, with pid -1 so every process mapping that file is
/// covered, later ones included: OpenSSL's <c>SSL_write</c>, <c>SSL_read</c>, <c>SSL_write_ex</c>, <c>SSL_read_ex</c>
/// and GnuTLS's <c>gnutls_record_send</c>, <c>gnutls_record_recv</c> (a uprobe and a uretprobe each), Go's
/// <c>crypto/tls.(*Conn).Write</c> (a uprobe at the entry) and <c>Read</c> (a uprobe at the entry and one at each RET,
/// see <see cref="GoTlsBinary"/>). Files that appear later are found by a rescan of <c>/proc/*/maps</c> every few seconds.
/// Dispose detaches everything.
/// </summary>
public sealed class TlsProbes : IDisposable
{
    /// <summary>Name prefixes of the TLS programs in the BPF object.</summary>
    internal static readonly string[] ProgramPrefixes = ["tls_", "go_tls_"];

    /// <summary>Attempts at a file before it is given up (a process may exit between the scan and the attach).</summary>
    private const int MaxAttempts = 3;

    private const string ReturnProgram = "tls_return";
    private const string GoWriteProgram = "go_tls_write";
    private const string GoReadProgram = "go_tls_enter_read";
    private const string GoReturnProgram = "go_tls_return";

    // Per library, the functions probed; the required ones must all attach, the others are skipped when missing
    // (SSL_*_ex before OpenSSL 1.1.1). gnutls_record_send2 is what gnutls_record_send calls, and what callers that pad
    // records call directly; a call through both is emitted once (the inner return clears the thread's call).
    private static readonly Dictionary<TlsLibraryKind, (string Function, string Program, bool Required)[]> LibraryProbes = new()
    {
        [TlsLibraryKind.OpenSsl] =
        [
            ("SSL_write", "tls_enter_write", true),
            ("SSL_read", "tls_enter_read", true),
            ("SSL_write_ex", "tls_enter_write_ex", false),
            ("SSL_read_ex", "tls_enter_read_ex", false),
        ],
        [TlsLibraryKind.GnuTls] =
        [
            ("gnutls_record_send", "tls_enter_write", true),
            ("gnutls_record_recv", "tls_enter_read", true),
            ("gnutls_record_send2", "tls_enter_write", false),
        ],
    };

    private readonly BpfObject _bpf;
    private readonly string _procRoot;
    private readonly bool _goExecutables;
    private readonly Lock _gate = new();
    private readonly HashSet<(string Device, long Inode)> _handled = [];
    private readonly HashSet<(string Device, long Inode)> _otherExecutables = [];
    private readonly Dictionary<(string Device, long Inode), int> _attempts = [];
    private readonly Dictionary<int, MapsRead> _reads = [];

    /// <summary>
    /// How often the maps of a process that has run a while are read again when its size changed. Young processes are
    /// read at every change (<see cref="TlsLibraryDiscovery.Scan"/>); the maps of a busy .NET or JVM process, whose
    /// heap changes its size between most scans, were about 3% of the agent's CPU samples at 10,000 requests/s.
    /// </summary>
    public static readonly TimeSpan ChangedProcessReread = TimeSpan.FromSeconds(10);
    private readonly List<nint> _links = [];
    private readonly List<(TlsLibraryKind Kind, string Path)> _libraries = [];
    private readonly int[] _failures = new int[TlsLibraryKinds.All.Count];
    private readonly Timer? _timer;
    private string? _lastFailure;
    private bool _disposed;

    /// <param name="goExecutables">Whether the Go programs loaded (Go executables are looked for only then).</param>
    internal TlsProbes(BpfObject bpf, string procRoot, TimeSpan rescanInterval, bool goExecutables = true)
    {
        _bpf = bpf;
        _procRoot = procRoot;
        _goExecutables = goExecutables;
        Rescan();
        if (rescanInterval > TimeSpan.Zero)
        {
            _timer = new Timer(_ => Rescan(), null, rescanInterval, rescanInterval);
        }
    }

    /// <summary>Files the probes are attached to, of every kind.</summary>
    public int AttachedLibraries
    {
        get
        {
            lock (_gate)
            {
                return _libraries.Count;
            }
        }
    }

    /// <summary>
    /// Failed attach attempts of every kind: a file is tried up to three times; a Go executable that cannot be probed
    /// (stripped, too old, not x86-64) counts once.
    /// </summary>
    public int Failures => TlsLibraryKinds.All.Sum(FailuresOf);

    /// <summary>Why the last attach failed, or null.</summary>
    public string? LastFailure => Volatile.Read(ref _lastFailure);

    /// <summary>The attached files as the agent opened them (<c>/proc/PID/root/...</c>).</summary>
    public IReadOnlyList<string> Libraries
    {
        get
        {
            lock (_gate)
            {
                return [.. _libraries.Select(l => l.Path)];
            }
        }
    }

    /// <summary>The attached files of one kind.</summary>
    public IReadOnlyList<string> LibrariesOf(TlsLibraryKind kind)
    {
        lock (_gate)
        {
            return [.. _libraries.Where(l => l.Kind == kind).Select(l => l.Path)];
        }
    }

    /// <summary>Failed attach attempts on files of one kind.</summary>
    public int FailuresOf(TlsLibraryKind kind) => Volatile.Read(ref _failures[(int)kind]);

    /// <summary>Looks for files not attached yet and attaches them; returns how many were attached now.</summary>
    public int Rescan()
    {
        lock (_gate)
        {
            if (_disposed)
            {
                return 0;
            }

            int attached = 0;
            foreach (TlsLibraryFile file in TlsLibraryDiscovery.Scan(
                _procRoot, _handled, _reads, _goExecutables ? _otherExecutables : null, Environment.TickCount64, (long)ChangedProcessReread.TotalMilliseconds))
            {
                AttachResult result = TryAttach(file);
                if (result == AttachResult.Attached)
                {
                    _libraries.Add((file.Kind, file.OpenPath));
                    attached++;
                }

                int attempts = result == AttachResult.Failed ? _attempts.GetValueOrDefault((file.Device, file.Inode)) + 1 : MaxAttempts;
                _attempts[(file.Device, file.Inode)] = attempts;
                if (attempts >= MaxAttempts)
                {
                    _handled.Add((file.Device, file.Inode));
                }
            }

            return attached;
        }
    }

    public void Dispose()
    {
        _timer?.Dispose();
        lock (_gate)
        {
            _disposed = true;
            DestroyAll(_links);
        }
    }

    private AttachResult TryAttach(TlsLibraryFile file)
    {
        var links = new List<nint>();
        try
        {
            if (file.Kind == TlsLibraryKind.Go)
            {
                GoTlsBinary? binary = GoTlsBinary.TryRead(file.OpenPath, out string? reason);
                if (binary is null)
                {
                    if (reason is null)
                    {
                        return AttachResult.NothingToProbe;
                    }

                    CountFailure(file.Kind, reason);
                    return AttachResult.Refused;
                }

                // Write is emitted at its entry, Read at each of its RETs (see the Go section of the BPF program).
                links.Add(_bpf.AttachUprobeAt(GoWriteProgram, file.OpenPath, binary.Write.EntryOffset));
                links.Add(_bpf.AttachUprobeAt(GoReadProgram, file.OpenPath, binary.Read.EntryOffset));
                foreach (long ret in binary.Read.ReturnOffsets)
                {
                    links.Add(_bpf.AttachUprobeAt(GoReturnProgram, file.OpenPath, ret));
                }
            }
            else
            {
                AttachLibrary(LibraryProbes[file.Kind], file.OpenPath, links);
            }
        }
        catch (BpfException e)
        {
            DestroyAll(links);
            CountFailure(file.Kind, e.Message);
            return AttachResult.Failed;
        }

        _links.AddRange(links);
        return AttachResult.Attached;
    }

    private void CountFailure(TlsLibraryKind kind, string reason)
    {
        Interlocked.Increment(ref _failures[(int)kind]);
        Volatile.Write(ref _lastFailure, $"{kind.DisplayName()}: {reason}");
    }

    private void AttachLibrary((string Function, string Program, bool Required)[] probes, string path, List<nint> links)
    {
        foreach (var (function, program, required) in probes)
        {
            nint entry;
            try
            {
                entry = _bpf.AttachUprobe(program, path, function, retprobe: false);
            }
            catch (BpfException) when (!required)
            {
                continue;
            }

            links.Add(entry);
            try
            {
                links.Add(_bpf.AttachUprobe(ReturnProgram, path, function, retprobe: true));
            }
            catch (BpfException) when (!required)
            {
                // Without its return probe an entry would leave stale per-thread state: drop the pair.
                _ = LibBpf.LinkDestroy(entry);
                links.RemoveAt(links.Count - 1);
            }
        }
    }

    private static void DestroyAll(List<nint> links)
    {
        foreach (nint link in links)
        {
            _ = LibBpf.LinkDestroy(link); // teardown: nothing useful to do if the kernel refuses
        }

        links.Clear();
    }

    private enum AttachResult
    {
        /// <summary>The probes are on.</summary>
        Attached,

        /// <summary>Nothing to probe (a Go program without crypto/tls): not a failure, not tried again.</summary>
        NothingToProbe,

        /// <summary>Cannot be probed, whatever the retries (a stripped or too old Go executable): counted once.</summary>
        Refused,

        /// <summary>The kernel or libbpf refused an attach (the process may have exited): counted, tried again.</summary>
        Failed,
    }
}
