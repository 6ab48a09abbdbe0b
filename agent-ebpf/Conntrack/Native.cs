using System.Runtime.InteropServices;

namespace OtlpGrains.Agent.Conntrack;

/// <summary>The libc calls behind network namespaces and the netlink socket to conntrack.</summary>
internal static unsafe partial class Native
{
    private const string Library = "libc";

    public const int AfNetlink = 16;
    public const int SockRaw = 3;
    public const int SockCloexec = 0x80000;
    public const int NetlinkNetfilter = 12;
    public const int CloneNewNet = 0x40000000;
    public const int SolSocket = 1;
    public const int SoRcvTimeo = 20;
    public const int OReadOnly = 0;
    public const int OCloexec = 0x80000;
    public const int Eintr = 4;
    public const int Eagain = 11;

    // ioctl_ns(2): the CLONE_NEW* type of a namespace file descriptor.
    public const nuint NsGetNsType = 0xb703;

    [LibraryImport(Library, EntryPoint = "open", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    public static partial int Open(string path, int flags);

    [LibraryImport(Library, EntryPoint = "close")]
    private static partial int CloseFd(int fd);

    // Nothing to do about a failed close of a descriptor we own (EINTR still frees it on Linux).
    public static void Close(int fd) => _ = CloseFd(fd);

    [LibraryImport(Library, EntryPoint = "ioctl", SetLastError = true)]
    public static partial int Ioctl(int fd, nuint request);

    // glibc 2.33+ exports fstat itself; st_ino sits at offset 8 of struct stat on x86-64 and arm64.
    [LibraryImport(Library, EntryPoint = "fstat", SetLastError = true)]
    public static partial int Fstat(int fd, byte* buffer);

    [LibraryImport(Library, EntryPoint = "setns", SetLastError = true)]
    public static partial int Setns(int fd, int type);

    [LibraryImport(Library, EntryPoint = "socket", SetLastError = true)]
    public static partial int Socket(int domain, int type, int protocol);

    [LibraryImport(Library, EntryPoint = "setsockopt", SetLastError = true)]
    public static partial int SetSockOpt(int fd, int level, int name, void* value, uint length);

    [LibraryImport(Library, EntryPoint = "send", SetLastError = true)]
    public static partial nint Send(int fd, byte* buffer, nuint length, int flags);

    [LibraryImport(Library, EntryPoint = "recv", SetLastError = true)]
    public static partial nint Receive(int fd, byte* buffer, nuint length, int flags);
}
