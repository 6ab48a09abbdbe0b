using OtlpGrains.Agent.Bpf;

namespace OtlpGrains.Agent.Tls;

/// <summary>
/// Attaches the OpenSSL plaintext probes (the <c>tls_*</c> programs of the capture object) to every distinct libssl
/// that processes map: a uprobe and a uretprobe on <c>SSL_write</c>, <c>SSL_read</c>, <c>SSL_write_ex</c> and
/// <c>SSL_read_ex</c>, with pid -1 so every process mapping that file is covered, later ones included. Libraries that
/// appear later are found by a rescan of <c>/proc/*/maps</c> every few seconds. Dispose detaches everything.
/// </summary>
public sealed class TlsProbes : IDisposable
{
    /// <summary>Name prefix of the TLS programs in the BPF object.</summary>
    internal const string ProgramPrefix = "tls_";

    /// <summary>Attempts at a library before it is given up (a process may exit between the scan and the attach).</summary>
    private const int MaxAttempts = 3;

    private const string ReturnProgram = "tls_return";

    // SSL_read/SSL_write are required; the _ex forms are missing before OpenSSL 1.1.1 and then skipped.
    private static readonly (string Function, string Program, bool Required)[] Probes =
    [
        ("SSL_write", "tls_enter_write", true),
        ("SSL_read", "tls_enter_read", true),
        ("SSL_write_ex", "tls_enter_write_ex", false),
        ("SSL_read_ex", "tls_enter_read_ex", false),
    ];

    private readonly BpfObject _bpf;
    private readonly string _procRoot;
    private readonly Lock _gate = new();
    private readonly HashSet<(string Device, long Inode)> _handled = [];
    private readonly Dictionary<(string Device, long Inode), int> _attempts = [];
    private readonly Dictionary<int, long> _sizes = [];
    private readonly List<nint> _links = [];
    private readonly List<string> _libraries = [];
    private readonly Timer? _timer;
    private int _failures;
    private string? _lastFailure;
    private bool _disposed;

    internal TlsProbes(BpfObject bpf, string procRoot, TimeSpan rescanInterval)
    {
        _bpf = bpf;
        _procRoot = procRoot;
        Rescan();
        if (rescanInterval > TimeSpan.Zero)
        {
            _timer = new Timer(_ => Rescan(), null, rescanInterval, rescanInterval);
        }
    }

    /// <summary>Libraries the probes are attached to.</summary>
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

    /// <summary>Failed attach attempts (a library is tried up to three times).</summary>
    public int Failures => Volatile.Read(ref _failures);

    /// <summary>Why the last attach failed, or null.</summary>
    public string? LastFailure => Volatile.Read(ref _lastFailure);

    /// <summary>The attached libraries as the agent opened them (<c>/proc/PID/root/...</c>).</summary>
    public IReadOnlyList<string> Libraries
    {
        get
        {
            lock (_gate)
            {
                return [.. _libraries];
            }
        }
    }

    /// <summary>Looks for libssl files not attached yet and attaches them; returns how many were attached now.</summary>
    public int Rescan()
    {
        lock (_gate)
        {
            if (_disposed)
            {
                return 0;
            }

            int attached = 0;
            foreach (LibsslFile file in LibsslDiscovery.Scan(_procRoot, _handled, _sizes))
            {
                if (TryAttach(file))
                {
                    _handled.Add((file.Device, file.Inode));
                    _libraries.Add(file.OpenPath);
                    attached++;
                }
                else
                {
                    int attempts = _attempts.GetValueOrDefault((file.Device, file.Inode)) + 1;
                    _attempts[(file.Device, file.Inode)] = attempts;
                    if (attempts >= MaxAttempts)
                    {
                        _handled.Add((file.Device, file.Inode));
                    }
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
            foreach (nint link in _links)
            {
                _ = LibBpf.LinkDestroy(link); // teardown: nothing useful to do if the kernel refuses
            }

            _links.Clear();
        }
    }

    private bool TryAttach(LibsslFile file)
    {
        var links = new List<nint>(Probes.Length * 2);
        foreach (var (function, program, required) in Probes)
        {
            try
            {
                nint entry = _bpf.AttachUprobe(program, file.OpenPath, function, retprobe: false);
                links.Add(entry);
                links.Add(_bpf.AttachUprobe(ReturnProgram, file.OpenPath, function, retprobe: true));
            }
            catch (BpfException e)
            {
                if (!required)
                {
                    // Without its return probe an entry would leave stale per-thread state: drop the pair.
                    if (links.Count % 2 == 1)
                    {
                        _ = LibBpf.LinkDestroy(links[^1]);
                        links.RemoveAt(links.Count - 1);
                    }

                    continue;
                }

                foreach (nint link in links)
                {
                    _ = LibBpf.LinkDestroy(link);
                }

                Interlocked.Increment(ref _failures);
                Volatile.Write(ref _lastFailure, e.Message);
                return false;
            }
        }

        _links.AddRange(links);
        return true;
    }
}
