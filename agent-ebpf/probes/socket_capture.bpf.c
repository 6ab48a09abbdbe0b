// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
// Kernel side of the OtlpGrains agent, kept thin: it finds socket reads and writes of watched processes and
// copies the first N bytes of each into a ring buffer. Pairing, parsing and naming happen in user space.
//
// Two interchangeable attach groups live in this one object; user space enables one with
// bpf_program__set_autoload and falls back to the next when load or attach fails:
//   "tp_*"  syscall tracepoints (syscalls/sys_exit_*, and sys_enter_close): only the syscalls we care about
//           fire, but libbpf needs tracefs to resolve their ids.
//   "raw_*" tp_btf/sys_enter and sys_exit: no tracefs needed, but every syscall of the node runs a few
//           instructions to reject itself.
// Both handle a read or write at its exit alone, reading its arguments from the saved user registers: one program
// run per call, and a call that moved nothing stops at its first comparison.
// kprobe/fentry variants (e.g. on tcp_sendmsg) would be a third group; they do not load on this kernel.
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>
#include <bpf/bpf_tracing.h>
#include <bpf/bpf_endian.h>

char LICENSE[] SEC("license") = "Dual BSD/GPL";

// The largest configurable capture; a power of two so the verifier can bound copies with a mask.
#define MAX_CAPTURE 4096
// When a write or read is longer than the capture, its last TAIL_CAPTURE bytes follow the head in the same record:
// a server often writes a reply's headers, body and trailers (gRPC status) in one syscall, and the parser can skip
// the body it knows the length of and read the trailers from the tail.
#define TAIL_CAPTURE 256
// Vectored calls: iovecs searched for the one holding the data's end (Kestrel writes headers and body as separate iovecs).
#define TAIL_IOVECS 16
#define AF_INET 2
#define AF_INET6 10
#define IPPROTO_TCP 6
#define S_IFMT 00170000
#define S_IFSOCK 0140000
#define EINPROGRESS 115
// cgroup v2 levels below a watched cgroup that still count as inside it.
#define MAX_CGROUP_DEPTH 8
// A peeked read is read again without the flag (SocketsHttpHandler peeks 1 byte after each HTTP/2 frame header):
// capturing both would hand the parser the same bytes twice.
#define MSG_PEEK 2

enum event_kind { EVENT_DATA = 0, EVENT_CONNECT = 1, EVENT_ACCEPT = 2, EVENT_CLOSE = 3 };
enum direction { DIR_EGRESS = 0, DIR_INGRESS = 1 };
// How the buffer argument of a data syscall is shaped.
enum buffer_shape { SHAPE_PLAIN = 0, SHAPE_IOVEC = 1, SHAPE_MSGHDR = 2 };

// Mirrored by OtlpGrains.Agent.Bpf.EventHeader; keep both in step (88 bytes, then cap_len bytes of data).
struct event_header {
    __u64 ts_ns;
    __u32 pid;
    __u32 tid;
    __s32 fd;
    __u32 orig_len;
    __u32 cap_len;
    __u8 kind;
    __u8 direction;
    __u16 family;
    __u16 sport;
    __u16 dport;
    __u8 saddr[16];
    __u8 daddr[16];
    __u32 flags;    // EVENT_FLAG_* bits
    char comm[16];  // the thread's comm: names a process that exits before user space reads /proc
};

// Bits of event_header.flags.
#define EVENT_FLAG_TLS 1 // plaintext from a TLS library probe, not the bytes on the socket
#define EVENT_FLAG_TAIL 2 // data ends with the syscall's last (flags >> EVENT_TAIL_SHIFT) bytes, after the head
#define EVENT_TAIL_SHIFT 16

struct event {
    struct event_header h;
    __u8 data[2 * MAX_CAPTURE]; // head (at most MAX_CAPTURE) then tail; a power of two so sizes can be masked
};

// Mirrored by OtlpGrains.Agent.Bpf.CaptureConfig; written by user space after load, before attach.
struct capture_config {
    __u32 capture_bytes;
    __u32 agent_tgid;
    __u32 only_watched;
    __u32 wakeup_bytes;
    __u32 only_cgroups; // capture only processes in (or below) a cgroup of cgroup_filter
    __u32 netns_ino;    // when not 0, capture only processes in the network namespace of this inode number (--netns)
};

// A connection as user space names it: the process and its fd (the tracker's key too).
struct conn_key {
    __u32 tgid;
    __s32 fd;
};

// Mirrored by OtlpGrains.Agent.Bpf.ConnStats (48 bytes). A close event carries it as its payload (cap_len = 48).
struct conn_stats {
    __u64 bytes[2]; // by direction: DIR_EGRESS, DIR_INGRESS
    __u64 calls[2];
    __u64 first_ns;
    __u64 last_ns;
};

struct conn_entry {
    struct conn_stats stats;
    __u8 last_truncated[2]; // the direction's last call moved more than was captured
    __u8 http1[2];          // a call in this direction began with an HTTP/1 start line
    __u32 pad;
};

enum pid_mode { PID_WATCH = 1, PID_IGNORE = 2 };

struct {
    __uint(type, BPF_MAP_TYPE_RINGBUF);
    __uint(max_entries, 4 * 1024 * 1024);
} events SEC(".maps");

struct {
    __uint(type, BPF_MAP_TYPE_ARRAY);
    __uint(max_entries, 1);
    __type(key, __u32);
    __type(value, struct capture_config);
} capture_config SEC(".maps");

struct {
    __uint(type, BPF_MAP_TYPE_HASH);
    __uint(max_entries, 4096);
    __type(key, __u32);
    __type(value, __u8);
} pid_filter SEC(".maps");

// In-kernel aggregation per connection: every data call counts, captured or not. LRU: a connection that is never
// closed (its process exited) ages out instead of filling the map.
struct {
    __uint(type, BPF_MAP_TYPE_LRU_HASH);
    __uint(max_entries, 65536);
    __type(key, struct conn_key);
    __type(value, struct conn_entry);
} conns SEC(".maps");

// Connections user space muted: counted in `conns`, but no more data events. Cleared at close, connect and accept.
struct {
    __uint(type, BPF_MAP_TYPE_LRU_HASH);
    __uint(max_entries, 65536);
    __type(key, struct conn_key);
    __type(value, __u8);
} muted SEC(".maps");

// cgroup v2 ids (the inode numbers of the cgroup directories) whose processes are captured when only_cgroups is set.
struct {
    __uint(type, BPF_MAP_TYPE_HASH);
    __uint(max_entries, 1024);
    __type(key, __u64);
    __type(value, __u8);
} cgroup_filter SEC(".maps");

// Slot 0: events lost because the ring buffer was full; slot 1: TLS library calls lost because `tls_calls` or
// `go_tls_calls` was full.
struct {
    __uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
    __uint(max_entries, 2);
    __type(key, __u32);
    __type(value, __u64);
} drops SEC(".maps");

// An event is too large for the 512-byte BPF stack, so it is assembled here.
struct {
    __uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
    __uint(max_entries, 1);
    __type(key, __u32);
    __type(value, struct event);
} scratch SEC(".maps");

static __always_inline void count_drop(__u32 slot)
{
    __u64 *n = bpf_map_lookup_elem(&drops, &slot);
    if (n)
        *n += 1;
}

static __always_inline struct capture_config *load_config(void)
{
    __u32 zero = 0;
    return bpf_map_lookup_elem(&capture_config, &zero);
}

// Whether the current task is in a watched cgroup or below one: its own id, then its ancestors from the root down.
static __always_inline bool in_watched_cgroup(void)
{
    __u64 id = bpf_get_current_cgroup_id();
    if (bpf_map_lookup_elem(&cgroup_filter, &id))
        return true;
    for (int level = 1; level <= MAX_CGROUP_DEPTH; level++) {
        __u64 ancestor = bpf_get_current_ancestor_cgroup_id(level);
        // 0: deeper than the task's own cgroup; id: reached it (already checked).
        if (ancestor == 0 || ancestor == id)
            return false;
        if (bpf_map_lookup_elem(&cgroup_filter, &ancestor))
            return true;
    }
    return false;
}

// Whether the current task is in the network namespace followed (--netns: one emulated node of several on a machine).
// Three loads through the task's BTF pointer per call, cheaper than asking user space for every pid it sees.
static __always_inline bool in_netns(__u32 ino)
{
    return bpf_get_current_task_btf()->nsproxy->net_ns->ns.inum == ino;
}

// Whether the current process is one we capture: never the agent, never an ignored pid, only watched pids when the
// watch list is in force, only watched cgroups when that list is, and only the followed network namespace.
static __always_inline bool wanted(struct capture_config *cfg, __u32 tgid)
{
    if (tgid == cfg->agent_tgid)
        return false;
    __u8 *mode = bpf_map_lookup_elem(&pid_filter, &tgid);
    if (mode && *mode == PID_IGNORE)
        return false;
    if (cfg->only_watched && !(mode && *mode == PID_WATCH))
        return false;
    if (cfg->only_cgroups && !in_watched_cgroup())
        return false;
    if (cfg->netns_ino && !in_netns(cfg->netns_ino))
        return false;
    return true;
}

// The configuration when the current process is one we capture, NULL when it is not: the first check of every
// program once it knows the call can matter, before any other map or kernel memory is read.
static __always_inline struct capture_config *config_if_wanted(__u64 pid_tgid)
{
    struct capture_config *cfg = load_config();
    return cfg && wanted(cfg, pid_tgid >> 32) ? cfg : NULL;
}

#define FOURCC(a, b, c, d) ((__u32)(a) | (__u32)(b) << 8 | (__u32)(c) << 16 | (__u32)(d) << 24)

// An HTTP/1 request line (known method) or status line ("HTTP/1.") at the start of a call.
static __always_inline bool http1_start(const __u8 *head)
{
    __u32 word = FOURCC(head[0], head[1], head[2], head[3]);
    if (word == FOURCC('H', 'T', 'T', 'P'))
        return head[4] == '/' && head[5] == '1' && head[6] == '.';
    return word == FOURCC('G', 'E', 'T', ' ') || word == FOURCC('P', 'O', 'S', 'T') || word == FOURCC('P', 'U', 'T', ' ')
        || word == FOURCC('H', 'E', 'A', 'D') || word == FOURCC('D', 'E', 'L', 'E') || word == FOURCC('P', 'A', 'T', 'C')
        || word == FOURCC('O', 'P', 'T', 'I') || word == FOURCC('C', 'O', 'N', 'N') || word == FOURCC('T', 'R', 'A', 'C');
}

static __always_inline bool is_hex(__u8 c)
{
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

// A chunked-encoding size line ("1f40\r\n", "a;ext", optionally after the previous chunk's CRLF): the parser needs
// it to follow the body, so such a call is always captured.
static __always_inline bool chunk_size_line(const __u8 *head)
{
    // Shifted through a register: a variable offset into the stack buffer is refused by the verifier.
    __u64 rest;
    __builtin_memcpy(&rest, head, sizeof(rest));
    if ((rest & 0xffff) == ('\r' | '\n' << 8))
        rest >>= 16;
    int digits = 0;
#pragma unroll
    for (int k = 0; k < 6; k++) {
        __u8 c = rest & 0xff;
        rest >>= 8;
        if (is_hex(c)) {
            digits++;
            continue;
        }
        return digits > 0 && (c == '\r' || c == ';');
    }
    return false;
}

// Counts a data call of `len` bytes on the connection; returns its entry (NULL only when the map refused it).
static __always_inline struct conn_entry *count_call(struct conn_key *key, __u8 direction, __u64 len, __u64 now)
{
    struct conn_entry *conn = bpf_map_lookup_elem(&conns, key);
    if (!conn) {
        struct conn_entry fresh = {};
        fresh.stats.first_ns = now;
        bpf_map_update_elem(&conns, key, &fresh, BPF_NOEXIST);
        conn = bpf_map_lookup_elem(&conns, key);
        if (!conn)
            return NULL;
    }
    __u8 dir = direction & 1;
    __sync_fetch_and_add(&conn->stats.bytes[dir], len);
    __sync_fetch_and_add(&conn->stats.calls[dir], 1);
    conn->stats.last_ns = now;
    return conn;
}

// The TCP socket behind an fd of the current task, or NULL for files, pipes and other socket kinds. Reading the
// fd table also catches connections that were open before the agent started. The task's own pointers are BTF pointers
// (direct loads, a fault reads as 0); from the fd's slot on, the structures are read with bpf_probe_read_kernel: a
// direct load through them would need bpf_rdonly_cast, which kernels before 6.2 (Debian 12's 6.1) do not have, and
// libbpf 1.1 cannot make it optional. Measured with it: about a third less in-kernel cost per traced call.
static __always_inline struct sock *tcp_sock_of(int fd)
{
    if (fd < 0)
        return NULL;
    struct fdtable *fdt = bpf_get_current_task_btf()->files->fdt;
    if (!fdt)
        return NULL;
    if ((unsigned int)fd >= fdt->max_fds)
        return NULL;
    struct file *file = NULL;
    bpf_probe_read_kernel(&file, sizeof(file), &fdt->fd[fd]);
    if (!file)
        return NULL;
    umode_t mode = BPF_CORE_READ(file, f_inode, i_mode);
    if ((mode & S_IFMT) != S_IFSOCK)
        return NULL;
    struct socket *socket = BPF_CORE_READ(file, private_data);
    if (!socket)
        return NULL;
    struct sock *sk = BPF_CORE_READ(socket, sk);
    if (!sk)
        return NULL;
    __u16 family = BPF_CORE_READ(sk, __sk_common.skc_family);
    if (family != AF_INET && family != AF_INET6)
        return NULL;
    if (BPF_CORE_READ(sk, sk_protocol) != IPPROTO_TCP)
        return NULL;
    return sk;
}

// The event's 4-tuple from the socket; all zero without one (a TLS call on a memory BIO has no socket).
static __always_inline void fill_tuple(struct event_header *h, struct sock *sk)
{
    __builtin_memset(h->saddr, 0, sizeof(h->saddr));
    __builtin_memset(h->daddr, 0, sizeof(h->daddr));
    if (!sk) {
        h->family = 0;
        h->sport = 0;
        h->dport = 0;
        return;
    }
    h->family = BPF_CORE_READ(sk, __sk_common.skc_family);
    h->sport = BPF_CORE_READ(sk, __sk_common.skc_num);
    h->dport = bpf_ntohs(BPF_CORE_READ(sk, __sk_common.skc_dport));
    if (h->family == AF_INET) {
        bpf_probe_read_kernel(h->saddr, 4, &sk->__sk_common.skc_rcv_saddr);
        bpf_probe_read_kernel(h->daddr, 4, &sk->__sk_common.skc_daddr);
    } else {
        BPF_CORE_READ_INTO(&h->saddr, sk, __sk_common.skc_v6_rcv_saddr.in6_u.u6_addr8);
        BPF_CORE_READ_INTO(&h->daddr, sk, __sk_common.skc_v6_daddr.in6_u.u6_addr8);
    }
}

// Fills the header of the per-CPU scratch event; `now` is the call's instant (bpf_ktime_get_ns).
static __always_inline struct event *start_event(__u64 pid_tgid, int fd, __u8 kind, __u8 direction, struct sock *sk, __u64 now)
{
    __u32 zero = 0;
    struct event *e = bpf_map_lookup_elem(&scratch, &zero);
    if (!e)
        return NULL;
    e->h.ts_ns = now;
    e->h.pid = pid_tgid >> 32;
    e->h.tid = (__u32)pid_tgid;
    e->h.fd = fd;
    e->h.orig_len = 0;
    e->h.flags = 0;
    bpf_get_current_comm(e->h.comm, sizeof(e->h.comm));
    e->h.cap_len = 0;
    e->h.kind = kind;
    e->h.direction = direction;
    fill_tuple(&e->h, sk);
    return e;
}

// Submits without waking the consumer (it polls every ~50 ms) unless enough is queued to be worth a wake-up.
static __always_inline void submit(struct capture_config *cfg, struct event *e, __u32 cap)
{
    __u32 n = cap;
    barrier_var(n);
    __u64 size = sizeof(struct event_header) + (n & (2 * MAX_CAPTURE - 1));
    __u64 queued = bpf_ringbuf_query(&events, BPF_RB_AVAIL_DATA);
    __u64 flags = queued + size >= cfg->wakeup_bytes ? BPF_RB_FORCE_WAKEUP : BPF_RB_NO_WAKEUP;
    if (bpf_ringbuf_output(&events, e, size, flags) != 0)
        count_drop(0);
}

// A connect, accept or close of a captured process (config_if_wanted said yes).
static __always_inline void emit_lifecycle(struct capture_config *cfg, __u64 pid_tgid, int fd, __u8 kind)
{
    struct sock *sk = tcp_sock_of(fd);
    if (!sk)
        return;
    struct event *e = start_event(pid_tgid, fd, kind, kind == EVENT_ACCEPT ? DIR_INGRESS : DIR_EGRESS, sk, bpf_ktime_get_ns());
    if (!e)
        return;
    struct conn_key key = { .tgid = pid_tgid >> 32, .fd = fd };
    __u32 cap = 0;
    if (kind == EVENT_CLOSE) {
        // The connection's totals ride on its close event.
        struct conn_entry *conn = bpf_map_lookup_elem(&conns, &key);
        if (conn) {
            __builtin_memcpy(e->data, &conn->stats, sizeof(struct conn_stats));
            cap = sizeof(struct conn_stats);
        }
    }
    // A new connection on this fd (or its end): whatever was kept under the key is over.
    bpf_map_delete_elem(&conns, &key);
    bpf_map_delete_elem(&muted, &key);
    e->h.cap_len = cap;
    submit(cfg, e, cap);
}

// Defined in the TLS section: true (and the fd noted) when the thread is inside a probed SSL_* call.
static __always_inline bool tls_claim_fd(__u64 pid_tgid, int fd);

// Copies the first `cap` bytes (at most MAX_CAPTURE) of a user buffer into the event; returns how many it copied (0
// when the read faulted). The mask restates the bound in a form the verifier tracks; cap >= MAX_CAPTURE takes the
// constant path.
static __always_inline __u32 copy_head(struct event *e, __u64 buf, __u32 cap)
{
    if (cap >= MAX_CAPTURE)
        return bpf_probe_read_user(e->data, MAX_CAPTURE, (void *)buf) == 0 ? MAX_CAPTURE : 0;
    if (cap == 0)
        return 0;
    __u32 n = cap;
    barrier_var(n); // keeps clang from dropping the mask it can prove redundant
    n &= MAX_CAPTURE - 1;
    return bpf_probe_read_user(e->data, n, (void *)buf) == 0 ? cap : 0;
}

// A data syscall that moved `ret` (> 0) bytes, seen at its exit with its own arguments: count it in the connection's
// totals and, unless muted, copy min(ret, limit, N) bytes into an event. Everything happens here, once: there is no
// program at the syscall's entry (see on_syscall_exit), so no enter/exit map and one fd -> socket walk per call.
static __always_inline void data_exit(struct capture_config *cfg, __u64 pid_tgid, long ret, int fd, __u64 buf, __u64 limit,
                                      __u8 shape, __u8 direction)
{
    struct sock *sk = tcp_sock_of(fd);
    if (!sk)
        return;
    // Inside SSL_read/SSL_write the socket carries ciphertext: it tells the TLS probe its fd and is counted in the
    // connection's totals, but not emitted.
    bool count_only = tls_claim_fd(pid_tgid, fd);
    __u64 iov = 0;
    __u32 iovcnt = 0;
    if (shape == SHAPE_IOVEC || shape == SHAPE_MSGHDR) {
        // Only the first iovec is captured: protocol headers sit at the start of the first one.
        if (shape == SHAPE_MSGHDR) {
            struct user_msghdr msg = {};
            if (bpf_probe_read_user(&msg, sizeof(msg), (void *)buf) != 0 || msg.msg_iovlen == 0)
                return;
            iov = (__u64)msg.msg_iov;
            iovcnt = msg.msg_iovlen > 0xffffffff ? 0xffffffff : (__u32)msg.msg_iovlen;
        } else if (limit == 0) {
            return;
        } else {
            iov = buf;
            iovcnt = limit > 0xffffffff ? 0xffffffff : (__u32)limit;
        }
        struct iovec first = {};
        if (bpf_probe_read_user(&first, sizeof(first), (void *)iov) != 0)
            return;
        buf = (__u64)first.iov_base;
        limit = first.iov_len;
    }
    struct conn_key key = { .tgid = pid_tgid >> 32, .fd = fd };
    __u64 now = bpf_ktime_get_ns();
    struct conn_entry *conn = count_call(&key, direction, ret, now);
    if (count_only || bpf_map_lookup_elem(&muted, &key))
        return;
    struct event *e = start_event(pid_tgid, fd, EVENT_DATA, direction, sk, now); // the instant the totals record
    if (!e)
        return;
    __u32 len = ret > 0xffffffffL ? 0xffffffff : (__u32)ret;
    __u32 cap = len;
    e->h.orig_len = len;
    if (cap > limit)
        cap = limit;
    if (cap > cfg->capture_bytes)
        cap = cfg->capture_bytes;
    if (cap > MAX_CAPTURE)
        cap = MAX_CAPTURE;
    __u8 dir = direction & 1;
    // Continuation sniff, HTTP/1 only: after a call cut by the capture, a call that starts no message (an HTTP start
    // line or a chunk-size line) is more of the same body; its length is enough for the parser. A direction is
    // HTTP/1 when its first call (as seen by the agent) starts with a start line; only then are heads read again.
    if (conn && cap >= 8 && (conn->stats.calls[dir] == 1 || (conn->http1[dir] && conn->last_truncated[dir]))) {
        __u8 head[8] = {};
        if (bpf_probe_read_user(head, sizeof(head), (void *)buf) == 0) {
            bool starts = http1_start(head);
            if (starts)
                conn->http1[dir] = 1;
            else if (conn->http1[dir] && conn->last_truncated[dir] && !chunk_size_line(head))
                cap = 0;
        }
    }
    if (conn)
        conn->last_truncated[dir] = cap < len;
    cap = copy_head(e, buf, cap);
    // The tail, when the head missed the end: the last bytes of the buffer (or of the iovec) where the data ends.
    __u32 total = len;
    __u64 end = 0;       // address just past the data's last byte
    __u32 contiguous = 0; // bytes before `end` in the same buffer
    if (cap > 0 && total > cap) {
        if (shape == SHAPE_PLAIN) {
            end = buf + total;
            contiguous = total;
        } else {
            __u64 offset = 0;
            for (int i = 0; i < TAIL_IOVECS; i++) {
                if (i >= iovcnt)
                    break;
                struct iovec v = {};
                if (bpf_probe_read_user(&v, sizeof(v), (void *)(iov + i * sizeof(struct iovec))) != 0)
                    break;
                if (offset + v.iov_len >= total) {
                    end = (__u64)v.iov_base + (total - offset);
                    contiguous = (__u32)(total - offset);
                    break;
                }
                offset += v.iov_len;
            }
        }
    }
    if (end != 0 && cap <= MAX_CAPTURE) {
        __u32 tail = total - cap;
        if (tail > TAIL_CAPTURE)
            tail = TAIL_CAPTURE;
        if (tail > contiguous)
            tail = contiguous;
        __u32 at = cap;
        barrier_var(at);
        at &= 2 * MAX_CAPTURE - 1;
        barrier_var(tail);
        tail &= 2 * TAIL_CAPTURE - 1;
        if (at <= MAX_CAPTURE && tail <= TAIL_CAPTURE && tail > 0
            && bpf_probe_read_user(e->data + at, tail, (void *)(end - tail)) == 0) {
            e->h.flags |= EVENT_FLAG_TAIL | (tail << EVENT_TAIL_SHIFT);
            cap += tail;
        }
    }
    e->h.cap_len = cap;
    submit(cfg, e, cap);
}

// x86-64 syscall numbers: the raw group's switch and the tracepoint group's exit programs share on_syscall_exit.
#define NR_READ 0
#define NR_WRITE 1
#define NR_CLOSE 3
#define NR_READV 19
#define NR_WRITEV 20
#define NR_CONNECT 42
#define NR_ACCEPT 43
#define NR_SENDTO 44
#define NR_RECVFROM 45
#define NR_SENDMSG 46
#define NR_RECVMSG 47
#define NR_ACCEPT4 288

// Whether the exit of syscall `id` with result `ret` can matter, decided before anything else is read: a data call
// that moved nothing (EAGAIN on a non-blocking socket is about half of a server's reads), a failed connect or accept,
// and every syscall we do not trace stop here.
static __always_inline bool exit_matters(long id, long ret)
{
    switch (id) {
    case NR_WRITE:
    case NR_SENDTO:
    case NR_WRITEV:
    case NR_SENDMSG:
    case NR_READ:
    case NR_RECVFROM:
    case NR_READV:
    case NR_RECVMSG:
        return ret > 0;
    case NR_CONNECT:
        return ret == 0 || ret == -EINPROGRESS;
    case NR_ACCEPT:
    case NR_ACCEPT4:
        return ret >= 0;
    }
    return false;
}

// At the exit of a syscall exit_matters accepted, in a process we capture. The syscall's arguments are read from the user registers the
// kernel saved at its entry (x86-64: di, si, dx, then r10 for the fourth), which it leaves as they were: so data
// calls need no program at entry, and no map to carry the buffer from entry to exit.
static __always_inline void on_syscall_exit(struct capture_config *cfg, __u64 pid_tgid, struct pt_regs *regs, long id, long ret)
{
    switch (id) {
    case NR_WRITE:
    case NR_SENDTO:
        data_exit(cfg, pid_tgid, ret, regs->di, regs->si, regs->dx, SHAPE_PLAIN, DIR_EGRESS);
        break;
    case NR_WRITEV:
        data_exit(cfg, pid_tgid, ret, regs->di, regs->si, regs->dx, SHAPE_IOVEC, DIR_EGRESS);
        break;
    case NR_SENDMSG:
        data_exit(cfg, pid_tgid, ret, regs->di, regs->si, 0, SHAPE_MSGHDR, DIR_EGRESS);
        break;
    case NR_READ:
        data_exit(cfg, pid_tgid, ret, regs->di, regs->si, regs->dx, SHAPE_PLAIN, DIR_INGRESS);
        break;
    case NR_RECVFROM:
        if (!(regs->r10 & MSG_PEEK))
            data_exit(cfg, pid_tgid, ret, regs->di, regs->si, regs->dx, SHAPE_PLAIN, DIR_INGRESS);
        break;
    case NR_READV:
        data_exit(cfg, pid_tgid, ret, regs->di, regs->si, regs->dx, SHAPE_IOVEC, DIR_INGRESS);
        break;
    case NR_RECVMSG:
        if (!(regs->dx & MSG_PEEK))
            data_exit(cfg, pid_tgid, ret, regs->di, regs->si, 0, SHAPE_MSGHDR, DIR_INGRESS);
        break;
    case NR_CONNECT:
        emit_lifecycle(cfg, pid_tgid, regs->di, EVENT_CONNECT);
        break;
    case NR_ACCEPT:
    case NR_ACCEPT4:
        emit_lifecycle(cfg, pid_tgid, ret, EVENT_ACCEPT);
        break;
    }
}

// ---- group "tp": syscall tracepoints ----
// Only close needs its entry (the fd is gone at its exit); every other traced syscall is handled at its exit alone.

SEC("tracepoint/syscalls/sys_enter_close")
int tp_enter_close(struct trace_event_raw_sys_enter *ctx)
{
    __u64 pid_tgid = bpf_get_current_pid_tgid();
    struct capture_config *cfg = config_if_wanted(pid_tgid);
    if (cfg)
        emit_lifecycle(cfg, pid_tgid, ctx->args[0], EVENT_CLOSE);
    return 0;
}

// The exit tracepoint carries only the result; the arguments come from the task's saved registers, fetched only for
// a call that matters in a process we capture.
#define TP_EXIT(name, nr)                                                                       \
    SEC("tracepoint/syscalls/sys_exit_" #name)                                                  \
    int tp_exit_##name(struct trace_event_raw_sys_exit *ctx)                                    \
    {                                                                                           \
        long ret = ctx->ret;                                                                    \
        if (!exit_matters(nr, ret))                                                             \
            return 0;                                                                           \
        __u64 pid_tgid = bpf_get_current_pid_tgid();                                            \
        struct capture_config *cfg = config_if_wanted(pid_tgid);                                \
        if (cfg)                                                                                \
            on_syscall_exit(cfg, pid_tgid,                                                      \
                            (struct pt_regs *)bpf_task_pt_regs(bpf_get_current_task_btf()), nr, ret); \
        return 0;                                                                               \
    }

TP_EXIT(write, NR_WRITE)
TP_EXIT(sendto, NR_SENDTO)
TP_EXIT(writev, NR_WRITEV)
TP_EXIT(sendmsg, NR_SENDMSG)
TP_EXIT(read, NR_READ)
TP_EXIT(recvfrom, NR_RECVFROM)
TP_EXIT(readv, NR_READV)
TP_EXIT(recvmsg, NR_RECVMSG)
TP_EXIT(connect, NR_CONNECT)
TP_EXIT(accept4, NR_ACCEPT4)
TP_EXIT(accept, NR_ACCEPT)

// ---- group "raw": tp_btf on the raw syscall tracepoints ----

SEC("tp_btf/sys_enter")
int BPF_PROG(raw_enter, struct pt_regs *regs, long id)
{
    if (id != NR_CLOSE)
        return 0;
    __u64 pid_tgid = bpf_get_current_pid_tgid();
    struct capture_config *cfg = config_if_wanted(pid_tgid);
    if (cfg)
        emit_lifecycle(cfg, pid_tgid, regs->di, EVENT_CLOSE);
    return 0;
}

SEC("tp_btf/sys_exit")
int BPF_PROG(raw_exit, struct pt_regs *regs, long ret)
{
    long id = regs->orig_ax;
    if (!exit_matters(id, ret))
        return 0;
    __u64 pid_tgid = bpf_get_current_pid_tgid();
    struct capture_config *cfg = config_if_wanted(pid_tgid);
    if (cfg)
        on_syscall_exit(cfg, pid_tgid, regs, id, ret);
    return 0;
}

// ==== TLS: OpenSSL and GnuTLS plaintext through uprobes ===========================================================
// SSL_write/SSL_read(ssl, buf, num) return the bytes moved (<= 0: nothing); SSL_write_ex/SSL_read_ex(ssl, buf, num,
// size_t *moved) return 1 and store the count. GnuTLS's gnutls_record_send/gnutls_record_recv(session, data, size)
// have SSL_write/SSL_read's shape (ssize_t result) and use the same programs. The entry probe remembers the buffer per thread, the return probe
// emits the plaintext as a data event flagged EVENT_FLAG_TLS. The socket read/write OpenSSL makes inside the call
// names the fd (enter_call asks tls_claim_fd) and is not emitted itself. With memory BIOs (.NET's SslStream) no
// syscall happens inside the call and the event goes out with fd -1 and no tuple.
// The SEC names carry no target, so libbpf does not auto-attach them: user space (Tls/TlsProbes.cs) attaches them
// to every libssl it finds, and the object loads the same when no libssl exists.

struct tls_call {
    __u64 buf;
    __u64 moved_ptr; // the size_t* of the _ex forms, 0 for SSL_read/SSL_write
    __u64 session;   // the SSL* / gnutls_session_t
    __s32 fd;        // -1 until the call does socket I/O
    __u8 direction;
};

struct tls_session_key {
    __u32 tgid;
    __u32 pad;
    __u64 session;
};

// The socket a session last did I/O on: a read served from the library's buffer (a record that arrived with the
// previous one) makes no syscall, and takes its fd from here. Sessions of memory BIOs never get an entry.
struct {
    __uint(type, BPF_MAP_TYPE_LRU_HASH);
    __uint(max_entries, 16384);
    __type(key, struct tls_session_key);
    __type(value, __s32);
} tls_session_fds SEC(".maps");

// SSL calls between entry and return, keyed by pid_tgid.
struct {
    __uint(type, BPF_MAP_TYPE_HASH);
    __uint(max_entries, 16384);
    __type(key, __u64);
    __type(value, struct tls_call);
} tls_calls SEC(".maps");

static __always_inline bool tls_claim_fd(__u64 pid_tgid, int fd)
{
    struct tls_call *call = bpf_map_lookup_elem(&tls_calls, &pid_tgid);
    if (!call)
        return false;
    call->fd = fd;
    return true;
}

static __always_inline void tls_enter(__u64 session, __u64 buf, __u64 moved_ptr, __u8 direction)
{
    __u64 pid_tgid = bpf_get_current_pid_tgid();
    if (!config_if_wanted(pid_tgid))
        return;
    struct tls_call call = {};
    call.buf = buf;
    call.moved_ptr = moved_ptr;
    call.session = session;
    call.fd = -1;
    call.direction = direction;
    if (bpf_map_update_elem(&tls_calls, &pid_tgid, &call, BPF_ANY) != 0)
        count_drop(1);
}

// Emits `moved` bytes of plaintext at `buf` as a data event flagged EVENT_FLAG_TLS on the socket `fd` (-1: unknown).
static __always_inline void tls_emit(struct capture_config *cfg, __u64 pid_tgid, int fd, __u8 direction, __u64 buf, __u64 moved)
{
    // With no socket (fd -1) sk is NULL and the tuple stays zeroed.
    struct sock *sk = tcp_sock_of(fd);
    struct event *e = start_event(pid_tgid, fd, EVENT_DATA, direction, sk, bpf_ktime_get_ns());
    if (!e)
        return;
    e->h.flags = EVENT_FLAG_TLS;
    __u32 cap = moved > 0xffffffffULL ? 0xffffffff : (__u32)moved;
    e->h.orig_len = cap;
    if (cap > cfg->capture_bytes)
        cap = cfg->capture_bytes;
    cap = copy_head(e, buf, cap);
    e->h.cap_len = cap;
    submit(cfg, e, cap);
}

static __always_inline void tls_exit(long ret)
{
    __u64 pid_tgid = bpf_get_current_pid_tgid();
    struct tls_call *found = bpf_map_lookup_elem(&tls_calls, &pid_tgid);
    if (!found)
        return;
    struct tls_call call = *found;
    bpf_map_delete_elem(&tls_calls, &pid_tgid);
    struct capture_config *cfg = load_config();
    if (!cfg)
        return;
    __u64 moved = 0;
    if (call.moved_ptr) {
        if (ret != 1 || bpf_probe_read_user(&moved, sizeof(moved), (void *)call.moved_ptr) != 0)
            return;
    } else if (ret > 0) {
        moved = ret;
    }
    struct tls_session_key session = { .tgid = pid_tgid >> 32, .session = call.session };
    if (call.fd >= 0) {
        bpf_map_update_elem(&tls_session_fds, &session, &call.fd, BPF_ANY);
    } else {
        __s32 *last = bpf_map_lookup_elem(&tls_session_fds, &session);
        if (last)
            call.fd = *last;
    }
    if (moved == 0)
        return;
    tls_emit(cfg, pid_tgid, call.fd, call.direction, call.buf, moved);
}

SEC("uprobe")
int BPF_KPROBE(tls_enter_write, void *ssl, const void *buf)
{
    tls_enter((__u64)ssl, (__u64)buf, 0, DIR_EGRESS);
    return 0;
}

SEC("uprobe")
int BPF_KPROBE(tls_enter_read, void *ssl, void *buf)
{
    tls_enter((__u64)ssl, (__u64)buf, 0, DIR_INGRESS);
    return 0;
}

SEC("uprobe")
int BPF_KPROBE(tls_enter_write_ex, void *ssl, const void *buf, size_t num, size_t *written)
{
    tls_enter((__u64)ssl, (__u64)buf, (__u64)written, DIR_EGRESS);
    return 0;
}

SEC("uprobe")
int BPF_KPROBE(tls_enter_read_ex, void *ssl, void *buf, size_t num, size_t *read)
{
    tls_enter((__u64)ssl, (__u64)buf, (__u64)read, DIR_INGRESS);
    return 0;
}

// One return probe for all four: the remembered call says which form it was.
SEC("uretprobe")
int BPF_KRETPROBE(tls_return, int ret)
{
    tls_exit(ret);
    return 0;
}

// ==== TLS: Go crypto/tls plaintext through uprobes ================================================================
// (*crypto/tls.Conn).Write(b []byte) (int, error) and Read(b []byte) (int, error), Go 1.17+ register ABI on x86-64:
// at entry RAX = the *Conn, RBX = b's data, RCX = b's length; at return RAX = n. R14 holds the current goroutine (g).
// Write is emitted at its entry (b holds the plaintext already): at its return the reply may already have been read
// by another goroutine (net/http's client writes and reads on two), which would put the response before the request.
// Read is emitted when it returns. A uretprobe rewrites the return address on the stack, and Go moves (copies)
// goroutine stacks, which then crashes the program; so user space (Tls/GoTlsBinary.cs) puts go_tls_return on each
// RET instruction of Read instead. A goroutine can park inside Read and resume on another thread: calls are keyed by
// goroutine, not thread. The fd comes from the Conn itself (field offsets in go_conn_fd); the ciphertext the calls
// move on that socket is muted (counted in `conns`, not emitted).

// Known layouts (the standard library keeps them since Go 1.9; run here with Debian's Go 1.19):
//   crypto/tls.Conn   { conn net.Conn (itab, data) ... }  -> the *net.TCPConn is the interface's data word, at +8
//   net.TCPConn       { conn { fd *netFD } }              -> *netFD at +0
//   net.netFD         { pfd poll.FD { fdmu fdMutex (16 bytes); Sysfd int } } -> Sysfd at +16
#define GO_TLS_CONN_DATA 8
#define GO_TCPCONN_FD 0
#define GO_NETFD_SYSFD 16

struct go_tls_key {
    __u32 tgid;
    __u32 pad;
    __u64 goroutine;
};

struct go_tls_call {
    __u64 buf;
    __s32 fd;
    __u8 direction;
};

// Calls between entry and a RET probe, keyed by process and goroutine. LRU: a goroutine that panics inside the call
// never reaches a RET and its entry ages out.
struct {
    __uint(type, BPF_MAP_TYPE_LRU_HASH);
    __uint(max_entries, 16384);
    __type(key, struct go_tls_key);
    __type(value, struct go_tls_call);
} go_tls_calls SEC(".maps");

// The fd under a *tls.Conn whose net.Conn is a *net.TCPConn, or -1 when a pointer on the way cannot be read.
static __always_inline int go_conn_fd(__u64 conn)
{
    __u64 tcp_conn = 0, net_fd = 0;
    __s64 sysfd = -1;
    if (bpf_probe_read_user(&tcp_conn, sizeof(tcp_conn), (void *)(conn + GO_TLS_CONN_DATA)) != 0 || !tcp_conn)
        return -1;
    if (bpf_probe_read_user(&net_fd, sizeof(net_fd), (void *)(tcp_conn + GO_TCPCONN_FD)) != 0 || !net_fd)
        return -1;
    if (bpf_probe_read_user(&sysfd, sizeof(sysfd), (void *)(net_fd + GO_NETFD_SYSFD)) != 0)
        return -1;
    return sysfd >= 0 && sysfd < 0x7fffffff ? (int)sysfd : -1;
}

// The socket under the Conn in RAX (-1 when unknown); its ciphertext is muted from now on.
static __always_inline int go_tls_socket(struct pt_regs *ctx, __u32 tgid)
{
    int fd = go_conn_fd(ctx->ax);
    // Not a TCP socket of this process (another net.Conn under the tls.Conn, or an unknown layout): fd unknown.
    if (!tcp_sock_of(fd))
        return -1;
    struct conn_key conn = { .tgid = tgid, .fd = fd };
    __u8 one = 1;
    bpf_map_update_elem(&muted, &conn, &one, BPF_NOEXIST);
    return fd;
}

SEC("uprobe")
int go_tls_write(struct pt_regs *ctx)
{
    __u64 pid_tgid = bpf_get_current_pid_tgid();
    struct capture_config *cfg = config_if_wanted(pid_tgid);
    if (!cfg)
        return 0;
    long len = (long)ctx->cx;
    if (len <= 0)
        return 0;
    tls_emit(cfg, pid_tgid, go_tls_socket(ctx, pid_tgid >> 32), DIR_EGRESS, ctx->bx, len);
    return 0;
}

SEC("uprobe")
int go_tls_enter_read(struct pt_regs *ctx)
{
    __u64 pid_tgid = bpf_get_current_pid_tgid();
    if (!config_if_wanted(pid_tgid))
        return 0;
    __u32 tgid = pid_tgid >> 32;
    struct go_tls_call call = {};
    call.buf = ctx->bx;
    call.direction = DIR_INGRESS;
    call.fd = go_tls_socket(ctx, tgid);
    struct go_tls_key key = { .tgid = tgid, .goroutine = ctx->r14 };
    if (bpf_map_update_elem(&go_tls_calls, &key, &call, BPF_ANY) != 0)
        count_drop(1);
    return 0;
}

// On every RET of Read: the goroutine's call holds the buffer.
SEC("uprobe")
int go_tls_return(struct pt_regs *ctx)
{
    __u64 pid_tgid = bpf_get_current_pid_tgid();
    struct go_tls_key key = { .tgid = pid_tgid >> 32, .goroutine = ctx->r14 };
    struct go_tls_call *found = bpf_map_lookup_elem(&go_tls_calls, &key);
    if (!found)
        return 0;
    struct go_tls_call call = *found;
    bpf_map_delete_elem(&go_tls_calls, &key);
    struct capture_config *cfg = load_config();
    long n = (long)ctx->ax;
    if (!cfg || n <= 0)
        return 0;
    tls_emit(cfg, pid_tgid, call.fd, call.direction, call.buf, n);
    return 0;
}
