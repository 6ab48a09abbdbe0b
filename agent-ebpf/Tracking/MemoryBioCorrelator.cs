using OtlpGrains.Agent.Capture;

namespace OtlpGrains.Agent.Tracking;

/// <summary>
/// Gives TLS plaintext without a socket (fd -1: the library used memory BIOs, as .NET's <c>SslStream</c> does) the
/// socket of the same thread's ciphertext I/O. Writes: <c>SSL_write</c> encrypts, then the thread sends the record
/// (TLS 1.3: plaintext + 22 bytes), so the plaintext waits for the thread's next application-data record. Reads: the
/// thread receives the ciphertext first, then <c>SSL_read</c> decrypts it, so the plaintext takes the thread's last
/// TLS-looking read. When the record leaves on another thread (an async continuation), the process's waiting
/// plaintext whose length fits the record's is taken. Per-thread state, bounded; no per-event allocation on socket reads.
/// </summary>
internal sealed class MemoryBioCorrelator(int maxThreads = 65_536)
{
    /// <summary>Plaintext chunks a thread may hold while waiting for its ciphertext write.</summary>
    private const int MaxPendingPerThread = 16;

    // Record overhead over the plaintext: TLS 1.3 (header 5, content type 1, tag 16), TLS 1.2 AES-GCM (header 5,
    // explicit nonce 8, tag 16).
    private const int TlsOverhead13 = 22;
    private const int TlsOverhead12Gcm = 29;

    private readonly Dictionary<(int Pid, int Tid), TlsThread> _threads = [];

    // Plaintext writes waiting for their record, per process: the cross-thread search only runs when some wait.
    private readonly Dictionary<int, int> _pendingByPid = [];

    /// <summary>Plaintext events given a socket.</summary>
    public long Correlated { get; private set; }

    /// <summary>Plaintext events that found no socket (no earlier read on the thread, or too many waiting writes).</summary>
    public long Unmatched { get; private set; }

    /// <summary>
    /// Looks at one event, in capture order. Socket-less plaintext is fed to <paramref name="tracker"/> once its socket
    /// is known, on that socket's fd, when <paramref name="followed"/> (the socket's event passes the pipeline's filters).
    /// </summary>
    public void OnEvent(SocketEvent e, bool followed, ConnectionTracker tracker)
    {
        if (e.Kind != SocketEventKind.Data)
        {
            return;
        }

        var key = (e.Pid, e.Tid);
        if (e.IsTlsPlaintext && e.Fd < 0)
        {
            OnPlaintext(e, key, tracker);
            return;
        }

        if (e.IsTlsPlaintext)
        {
            return;
        }

        var bytes = e.Payload.Span;
        if (e.Direction == SocketDirection.Ingress)
        {
            // A read that starts a TLS record (or the one-byte peek .NET makes at a record): remember its socket.
            if (bytes.Length > 0 && bytes[0] is >= 20 and <= 23 && (bytes.Length == 1 || bytes[1] == 3))
            {
                var thread = Thread(key);
                thread.IngressFd = e.Fd;
                thread.IngressFollowed = followed;
            }

            return;
        }

        if (bytes.Length < 5 || bytes[0] != 23 || bytes[1] != 3)
        {
            return; // not an application-data record
        }

        if (_threads.TryGetValue(key, out var writer) && writer.Pending.Count > 0)
        {
            foreach (var (timestampNs, plaintext, length) in writer.Pending)
            {
                Send(e, followed, tracker, timestampNs, plaintext, length);
            }

            _pendingByPid[e.Pid] -= writer.Pending.Count;
            writer.Pending.Clear();
            return;
        }

        // The record went out on another thread than the SSL_write (an async continuation): take the process's oldest
        // waiting plaintext whose record this can be by its length (TLS 1.3: +22; TLS 1.2 AES-GCM: +29).
        if (_pendingByPid.TryGetValue(e.Pid, out int waiting) && waiting > 0)
        {
            foreach (var ((pid, _), thread) in _threads)
            {
                if (pid != e.Pid || thread.Pending.Count == 0)
                {
                    continue;
                }

                var (timestampNs, plaintext, length) = thread.Pending[0];
                if (e.OriginalLength - length is TlsOverhead13 or TlsOverhead12Gcm)
                {
                    Send(e, followed, tracker, timestampNs, plaintext, length);
                    thread.Pending.RemoveAt(0);
                    _pendingByPid[e.Pid]--;
                    return;
                }
            }
        }
    }

    private void Send(SocketEvent record, bool followed, ConnectionTracker tracker, long timestampNs, byte[] plaintext, int length)
    {
        Correlated++;
        if (followed)
        {
            tracker.OnEvent(SocketEventKind.Data, SocketDirection.Egress, record.Pid, record.Fd, timestampNs, plaintext, length, record.RemoteEndPoint, record.LocalEndPoint, tlsPlaintext: true);
        }
    }

    private void OnPlaintext(SocketEvent e, (int Pid, int Tid) key, ConnectionTracker tracker)
    {
        if (e.Direction == SocketDirection.Ingress)
        {
            if (_threads.TryGetValue(key, out var reader) && reader.IngressFd >= 0)
            {
                Correlated++;
                if (reader.IngressFollowed)
                {
                    tracker.OnEvent(SocketEventKind.Data, SocketDirection.Ingress, e.Pid, reader.IngressFd, e.TimestampNs, e.Payload.Span, e.OriginalLength, null, null, tlsPlaintext: true);
                }
            }
            else
            {
                Unmatched++;
            }

            return;
        }

        var thread = Thread(key);
        if (thread.Pending.Count >= MaxPendingPerThread)
        {
            thread.Pending.RemoveAt(0);
            _pendingByPid[e.Pid]--;
            Unmatched++;
        }

        thread.Pending.Add((e.TimestampNs, e.Payload.ToArray(), e.OriginalLength));
        _pendingByPid[e.Pid] = _pendingByPid.GetValueOrDefault(e.Pid) + 1;
    }

    private TlsThread Thread((int Pid, int Tid) key)
    {
        if (!_threads.TryGetValue(key, out var thread))
        {
            if (_threads.Count >= maxThreads)
            {
                // Threads come and go without telling us; starting over now and then bounds the map.
                _threads.Clear();
                _pendingByPid.Clear();
            }

            thread = new TlsThread();
            _threads[key] = thread;
        }

        return thread;
    }

    private sealed class TlsThread
    {
        public int IngressFd { get; set; } = -1;

        public bool IngressFollowed { get; set; }

        public List<(long TimestampNs, byte[] Bytes, int OriginalLength)> Pending { get; } = [];
    }
}
