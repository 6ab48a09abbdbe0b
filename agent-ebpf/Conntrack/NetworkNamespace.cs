using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace OtlpGrains.Agent.Conntrack;

/// <summary>
/// A network namespace named by a file (<c>/var/run/netns/NAME</c>, <c>/proc/PID/ns/net</c>): its inode number (what
/// the kernel filter compares) and work run inside it. setns changes only the calling thread, so the work runs on a
/// thread of its own that ends with it; a socket made there stays in that namespace for whoever uses it later.
/// </summary>
public static unsafe class NetworkNamespace
{
    /// <summary>The namespace's inode number (<c>ns.inum</c> in the kernel, the number in <c>net:[N]</c>).</summary>
    /// <exception cref="ArgumentException">The file cannot be opened or is not a network namespace.</exception>
    public static ulong InodeOf(string path)
    {
        int fd = OpenNamespace(path);
        try
        {
            byte* stat = stackalloc byte[256];
            if (Native.Fstat(fd, stat) != 0)
            {
                throw new ArgumentException($"--netns {path}: fstat failed (errno {Marshal.GetLastPInvokeError()})");
            }

            return Unsafe.ReadUnaligned<ulong>(stat + 8);
        }
        finally
        {
            Native.Close(fd);
        }
    }

    /// <summary>Runs <paramref name="work"/> on a new thread inside the namespace <paramref name="path"/> (null: the agent's own) and returns its result.</summary>
    public static T Run<T>(string? path, Func<T> work)
    {
        if (path is null)
        {
            return work();
        }

        int fd = OpenNamespace(path);
        T result = default!;
        Exception? failure = null;
        var thread = new Thread(() =>
        {
            try
            {
                if (Native.Setns(fd, Native.CloneNewNet) != 0)
                {
                    throw new InvalidOperationException($"setns into {path} failed (errno {Marshal.GetLastPInvokeError()}; the agent needs CAP_SYS_ADMIN)");
                }

                result = work();
            }
            catch (Exception e)
            {
                failure = e;
            }
        }) { IsBackground = true, Name = "netns" };
        try
        {
            thread.Start();
            thread.Join();
        }
        finally
        {
            Native.Close(fd);
        }

        return failure is null ? result : throw new InvalidOperationException(failure.Message, failure);
    }

    private static int OpenNamespace(string path)
    {
        int fd = Native.Open(path, Native.OReadOnly | Native.OCloexec);
        if (fd < 0)
        {
            throw new ArgumentException($"--netns {path} cannot be opened (errno {Marshal.GetLastPInvokeError()})");
        }

        int type = Native.Ioctl(fd, Native.NsGetNsType);
        if (type != Native.CloneNewNet)
        {
            Native.Close(fd);
            throw new ArgumentException($"--netns {path} is not a network namespace");
        }

        return fd;
    }
}
