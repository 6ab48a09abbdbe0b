using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Threading.Channels;
using OtlpGrains.Agent.Bpf;
using OtlpGrains.Agent.Tls;

namespace OtlpGrains.Agent.Capture;

/// <summary>
/// Loads the socket capture programs, attaches the first attach group that works, keeps the pid filter, drains the
/// ring buffer and queues each event as a <see cref="SocketEvent"/> for one consumer (<see cref="Events"/>).
/// Dispose detaches everything.
/// </summary>
public sealed unsafe class SocketCapture : IDisposable
{
    private const byte PidWatch = 1;
    private const byte PidIgnore = 2;

    private readonly SocketCaptureOptions _options;
    private readonly Channel<SocketEvent> _queue;
    private readonly BpfObject _bpf;
    private readonly int _filterFd;
    private readonly int _dropsFd;
    private readonly int _connsFd;
    private readonly int _mutedFd;
    private readonly int _possibleCpus;
    private readonly Lock _pollGate = new();

    // While TryPoll delivers straight to a handler: the handler, the one event object it is given, and what it threw.
    private Action<SocketEvent>? _deliver;
    private SocketEvent? _delivered;
    private System.Runtime.ExceptionServices.ExceptionDispatchInfo? _deliverFailure;
    private long _drainedNs;
    private readonly CancellationTokenSource _stop = new();
    private readonly Thread? _poller;
    private GCHandle _self;
    private nint _ringBuffer;
    private long _events;
    private long _payloadBytes;
    private long _queueDrops;
    private long _mutes;
    private int _disposed;

    private SocketCapture(SocketCaptureOptions options, BpfObject bpf, AttachGroup group, int attachFailures, IReadOnlyList<string> skipped)
    {
        _options = options;
        _bpf = bpf;
        Group = group;
        AttachFailures = attachFailures;
        SkippedGroups = skipped;
        _queue = Channel.CreateBounded<SocketEvent>(new BoundedChannelOptions(options.QueueCapacity)
        {
            SingleReader = true,
            SingleWriter = true,
            FullMode = BoundedChannelFullMode.Wait, // TryWrite then fails, and the event is counted as dropped
        });
        _filterFd = bpf.MapFd("pid_filter");
        _dropsFd = bpf.MapFd("drops");
        _connsFd = bpf.MapFd("conns");
        _mutedFd = bpf.MapFd("muted");
        _possibleCpus = LibBpf.NumPossibleCpus();
        _self = GCHandle.Alloc(this);
        _ringBuffer = LibBpf.RingBufferNew(bpf.MapFd("events"), &OnRecord, GCHandle.ToIntPtr(_self), 0);
        if (_ringBuffer == 0)
        {
            int errno = Marshal.GetLastPInvokeError();
            _self.Free();
            throw new BpfException("creating the ring buffer consumer failed", errno, null);
        }

        if (options.PollInBackground)
        {
            _poller = new Thread(PollLoop) { IsBackground = true, Name = "bpf-ringbuf" };
            _poller.Start();
        }
    }

    /// <summary>The attach group in use.</summary>
    public AttachGroup Group { get; }

    /// <summary>The programs attached.</summary>
    public IReadOnlyList<string> Programs => _bpf.EnabledPrograms;

    /// <summary>Groups tried before <see cref="Group"/>, each with why it was not used.</summary>
    public IReadOnlyList<string> SkippedGroups { get; }

    /// <summary>Programs that failed to attach over every group tried.</summary>
    public int AttachFailures { get; }

    /// <summary>The TLS plaintext probes (OpenSSL, GnuTLS, Go crypto/tls), or null when they are off or did not load.</summary>
    public TlsProbes? Tls { get; private set; }

    /// <summary>Why the TLS programs did not load when <see cref="SocketCaptureOptions.TlsProbes"/> asked for them, or null.</summary>
    public string? TlsUnavailableReason { get; private set; }

    /// <summary>The captured events, oldest first; dispose each when done with its payload.</summary>
    public ChannelReader<SocketEvent> Events => _queue.Reader;

    /// <summary>
    /// Loads and attaches the capture. Throws <see cref="BpfException"/> with the reasons of every group tried when
    /// none works (not root, no BTF, verifier refusal, missing tracepoints).
    /// </summary>
    public static SocketCapture Start(SocketCaptureOptions? options = null)
    {
        options ??= new SocketCaptureOptions();
        options.Validate();
        var reasons = new List<string>();
        int attachFailures = 0;
        foreach (AttachGroup group in options.AttachGroups)
        {
            string? missing = group.EnsurePrerequisites();
            if (missing is not null)
            {
                reasons.Add($"{group.Name}: {missing}");
                continue;
            }

            SocketCapture? capture = TryStart(options, group, options.TlsProbes, reasons, ref attachFailures);
            if (capture is null && options.TlsProbes)
            {
                // The TLS programs may be what failed (uprobes unsupported): the socket capture is worth having alone.
                string tlsReason = reasons[^1];
                reasons.RemoveAt(reasons.Count - 1);
                capture = TryStart(options, group, false, reasons, ref attachFailures);
                if (capture is not null)
                {
                    capture.TlsUnavailableReason = tlsReason;
                }
                else
                {
                    reasons.Insert(reasons.Count - 1, tlsReason);
                }
            }

            if (capture is not null)
            {
                return capture;
            }
        }

        throw new BpfException(string.Join("; ", reasons));
    }

    private static SocketCapture? TryStart(SocketCaptureOptions options, AttachGroup group, bool withTls, List<string> reasons, ref int attachFailures)
    {
        BpfObject? bpf = null;
        SocketCapture? capture = null;
        try
        {
            bpf = BpfObject.Open(options.ObjectPath);
            bpf.EnableOnly(group.ProgramPrefix);
            if (withTls)
            {
                foreach (string prefix in TlsProbes.ProgramPrefixes)
                {
                    bpf.LoadAlso(prefix);
                }
            }

            bpf.SetMaxEntries("events", (uint)options.RingBufferBytes);
            bpf.Load();
            Configure(bpf, options);
            IReadOnlyList<string> failures = bpf.AttachAll();
            if (failures.Count > 0)
            {
                attachFailures += failures.Count;
                throw new BpfException($"{failures.Count} of {bpf.EnabledPrograms.Count} programs did not attach: {failures[0]}");
            }

            capture = new SocketCapture(options, bpf, group, attachFailures, reasons);
            if (withTls)
            {
                capture.Tls = new TlsProbes(bpf, options.ProcRoot, options.TlsRescanInterval);
            }

            return capture;
        }
        catch (BpfException e)
        {
            if (capture is not null)
            {
                capture.Dispose();
            }
            else
            {
                bpf?.Dispose();
            }

            reasons.Add($"{group.Name}{(withTls ? " with TLS probes" : string.Empty)}: {e.Message}");
            return null;
        }
    }

    /// <summary>Captures this pid (it takes effect for syscalls that start after the call).</summary>
    public void Watch(int pid) => SetPidMode(pid, PidWatch);

    /// <summary>Never captures this pid.</summary>
    public void Ignore(int pid) => SetPidMode(pid, PidIgnore);

    /// <summary>Removes a pid from the watch and ignore lists.</summary>
    public void Forget(int pid)
    {
        uint key = (uint)pid;
        LibBpf.MapDeleteElem(_filterFd, &key);
    }

    /// <summary>
    /// Stops data events for the connection (pid, fd) until it is closed; the kernel keeps counting its bytes and calls
    /// (<see cref="TryReadTotals"/>, <see cref="SocketEvent.Totals"/> at close). For traffic nobody parses.
    /// </summary>
    public void Mute(int pid, int fd)
    {
        var key = new ConnKey { Tgid = (uint)pid, Fd = fd };
        byte one = 1;
        // NOEXIST: a connection muted twice (events already queued when the first mute landed) is counted once.
        if (LibBpf.MapUpdateElem(_mutedFd, &key, &one, LibBpf.UpdateNoExist) == 0)
        {
            Interlocked.Increment(ref _mutes);
        }
    }

    /// <summary>Connections muted so far.</summary>
    public long Mutes => Interlocked.Read(ref _mutes);

    /// <summary>
    /// The capture clock (CLOCK_MONOTONIC ns, as <see cref="SocketEvent.TimestampNs"/>) up to which the kernel's events
    /// are in <see cref="Events"/>: taken before the last drain began. What waits for more events (a span for its other
    /// half) measures its wait on this clock rather than on the wall clock, so a drain that runs late under load does
    /// not look like an event that never came.
    /// </summary>
    public long DrainedNs => Volatile.Read(ref _drainedNs);

    /// <summary>The kernel's live totals for the connection (pid, fd); false when it has none (closed, never seen).</summary>
    public bool TryReadTotals(int pid, int fd, out ConnectionTotals totals)
    {
        var key = new ConnKey { Tgid = (uint)pid, Fd = fd };
        // The map value is struct conn_entry: the stats, then 8 bytes of sniff state.
        byte* entry = stackalloc byte[ConnStats.Size + 8];
        if (LibBpf.MapLookupElem(_connsFd, &key, entry) != 0)
        {
            totals = default;
            return false;
        }

        totals = ConnectionTotals.From(Unsafe.ReadUnaligned<ConnStats>(entry));
        return true;
    }

    /// <summary>The cgroup v2 id of a cgroup directory: its inode number, what bpf_get_current_cgroup_id returns.</summary>
    public static ulong CgroupId(string path)
    {
        byte* stat = stackalloc byte[256];
        if (Libc.Stat(path, stat) != 0)
        {
            throw new BpfException($"cgroup {path} cannot be read", Marshal.GetLastPInvokeError(), null);
        }

        return Unsafe.ReadUnaligned<ulong>(stat + 8);
    }

    /// <summary>True when a thread of the capture's own drains the ring buffer (<see cref="SocketCaptureOptions.PollInBackground"/>).</summary>
    public bool PollsInBackground => _poller is not null;

    /// <summary>
    /// Waits up to <paramref name="wait"/> for the kernel's wake-up (<see cref="SocketCaptureOptions.WakeupBytes"/>
    /// queued) and then drains the ring buffer into <see cref="Events"/>, on the caller's thread; false once disposed.
    /// A consumer that polls this way needs no poll thread, and no event crosses threads.
    /// </summary>
    public bool TryPoll(TimeSpan wait) => TryPoll(wait, null);

    /// <summary>
    /// As <see cref="TryPoll(TimeSpan)"/>, but each drained event goes straight to <paramref name="deliver"/> on the
    /// caller's thread instead of into <see cref="Events"/>: one <see cref="SocketEvent"/> object and its buffer serve
    /// every event, valid only during the call (the handler must not keep it or dispose it). Nothing is allocated or
    /// queued per event. An exception from the handler stops the drain (that event is consumed, the rest stay in the ring
    /// buffer for the next poll) and is thrown here.
    /// </summary>
    public bool TryPoll(TimeSpan wait, Action<SocketEvent>? deliver)
    {
        lock (_pollGate)
        {
            if (_ringBuffer == 0)
            {
                return false;
            }

            // poll sleeps until a forced wake-up or the wait ends, and only drains on a wake-up; consume then drains
            // what was submitted with BPF_RB_NO_WAKEUP meanwhile. Errors here are EINTR from epoll; the next round
            // retries.
            _deliver = deliver;
            try
            {
                _ = LibBpf.RingBufferPoll(_ringBuffer, Math.Max(1, (int)wait.TotalMilliseconds));
                _ = Consume();
            }
            finally
            {
                _deliver = null;
            }

            if (_deliverFailure is { } failure)
            {
                _deliverFailure = null;
                failure.Throw();
            }

            return true;
        }
    }

    /// <summary>Drains what the ring buffer holds now into <see cref="Events"/>; returns the number of records.</summary>
    public int Poll()
    {
        lock (_pollGate)
        {
            ObjectDisposedException.ThrowIf(_ringBuffer == 0, this);
            int n = Consume();
            return n < 0 ? throw new BpfException("consuming the ring buffer failed", -n, null) : n;
        }
    }

    public CaptureStatistics GetStatistics()
    {
        (long kernelDrops, long pendingDrops) = ReadDrops();
        return new CaptureStatistics(
            Interlocked.Read(ref _events), Interlocked.Read(ref _payloadBytes), kernelDrops, pendingDrops,
            Interlocked.Read(ref _queueDrops), AttachFailures);
    }

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        _stop.Cancel();
        _poller?.Join();
        Tls?.Dispose(); // its uprobe links go before the object that owns their programs
        lock (_pollGate)
        {
            // Links first: no new records once the programs are detached.
            _bpf.Dispose();
            LibBpf.RingBufferFree(_ringBuffer);
            _ringBuffer = 0;
            _delivered?.Dispose();
        }

        _self.Free();
        _queue.Writer.TryComplete();
        _stop.Dispose();
    }

    private static void Configure(BpfObject bpf, SocketCaptureOptions options)
    {
        var config = new CaptureConfig
        {
            CaptureBytes = (uint)options.CaptureBytes,
            AgentTgid = (uint)Environment.ProcessId,
            OnlyWatched = options.OnlyWatched || options.WatchedPids.Count > 0 ? 1u : 0u,
            WakeupBytes = (uint)options.WakeupBytes,
            OnlyCgroups = options.WatchedCgroups.Count > 0 ? 1u : 0u,
            NetnsIno = options.NetworkNamespace is { } netns ? (uint)Conntrack.NetworkNamespace.InodeOf(netns) : 0u,
        };
        uint zero = 0;
        Update(bpf.MapFd("capture_config"), &zero, &config, "capture_config");
        int filterFd = bpf.MapFd("pid_filter");
        foreach (int pid in options.WatchedPids)
        {
            uint key = (uint)pid;
            byte mode = PidWatch;
            Update(filterFd, &key, &mode, "pid_filter");
        }

        foreach (int pid in options.IgnoredPids)
        {
            uint key = (uint)pid;
            byte mode = PidIgnore;
            Update(filterFd, &key, &mode, "pid_filter");
        }

        int cgroupFd = bpf.MapFd("cgroup_filter");
        foreach (string path in options.WatchedCgroups)
        {
            ulong key = CgroupId(path);
            byte watch = 1;
            Update(cgroupFd, &key, &watch, "cgroup_filter");
        }
    }

    private static void Update(int mapFd, void* key, void* value, string mapName)
    {
        if (LibBpf.MapUpdateElem(mapFd, key, value, LibBpf.UpdateAny) != 0)
        {
            throw new BpfException($"updating map {mapName} failed", Marshal.GetLastPInvokeError(), null);
        }
    }

    // Called by libbpf on the polling thread for each record; the record memory is only valid during the call.
    [UnmanagedCallersOnly]
    private static int OnRecord(nint context, nint data, nuint size)
    {
        var capture = (SocketCapture)GCHandle.FromIntPtr(context).Target!;
        try
        {
            return capture.Accept(new ReadOnlySpan<byte>((void*)data, (int)size));
        }
        catch (Exception)
        {
            // Nothing may unwind into libbpf; a malformed record is skipped.
            return 0;
        }
    }

    // Returns what libbpf expects of the callback: 0 to go on, negative to stop the drain (the handler threw). Runs
    // under _pollGate, the only writer of the counters: plain updates, read with Interlocked.Read elsewhere.
    private int Accept(ReadOnlySpan<byte> record)
    {
        if (record.Length < EventHeader.Size)
        {
            return 0;
        }

        EventHeader header = Unsafe.ReadUnaligned<EventHeader>(ref MemoryMarshal.GetReference(record));
        int captured = (int)Math.Min(header.CapturedLength, (uint)(record.Length - EventHeader.Size));
        ReadOnlySpan<byte> payload = record.Slice(EventHeader.Size, captured);
        Action<SocketEvent>? deliver = _deliver;
        SocketEvent socketEvent;
        if (deliver is null)
        {
            socketEvent = new SocketEvent(header, payload);
            if (!_queue.Writer.TryWrite(socketEvent))
            {
                socketEvent.Dispose();
                _queueDrops++;
                return 0;
            }
        }
        else if (_delivered is null)
        {
            socketEvent = _delivered = new SocketEvent(header, payload);
        }
        else
        {
            socketEvent = _delivered;
            socketEvent.Fill(header, payload);
        }

        _events++;
        _payloadBytes += socketEvent.PayloadLength;
        if (deliver is null)
        {
            return 0;
        }

        try
        {
            deliver(socketEvent);
            return 0;
        }
        catch (Exception e)
        {
            _deliverFailure = System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(e);
            return -1;
        }
    }

    private void SetPidMode(int pid, byte mode)
    {
        uint key = (uint)pid;
        Update(_filterFd, &key, &mode, "pid_filter");
    }

    private (long KernelDrops, long PendingDrops) ReadDrops()
    {
        // A per-CPU array lookup returns one 8-byte-aligned value per possible CPU.
        Span<long> perCpu = _possibleCpus <= 512 ? stackalloc long[_possibleCpus] : new long[_possibleCpus];
        long Sum(uint slot, Span<long> values)
        {
            fixed (long* p = values)
            {
                if (LibBpf.MapLookupElem(_dropsFd, &slot, p) != 0)
                {
                    return 0;
                }
            }

            long total = 0;
            foreach (long v in values)
            {
                total += v;
            }

            return total;
        }

        return (Sum(0, perCpu), Sum(1, perCpu));
    }

    private void PollLoop()
    {
        while (!_stop.IsCancellationRequested && TryPoll(_options.PollInterval))
        {
        }
    }

    // Drains the ring buffer (under _pollGate) and moves DrainedNs to the instant the drain began.
    private int Consume()
    {
        long before = System.Diagnostics.Stopwatch.GetTimestamp();
        int n = LibBpf.RingBufferConsume(_ringBuffer);
        Volatile.Write(ref _drainedNs, before);
        return n;
    }
}
