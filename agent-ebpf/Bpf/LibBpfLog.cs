using System.Runtime.InteropServices;
using System.Text;

namespace OtlpGrains.Agent.Bpf;

/// <summary>
/// Collects libbpf's warnings instead of letting it print to stderr, so a failed load can be explained in one line
/// (<c>agent check</c>) and the verifier log is still available. Set <c>OTLPGRAINS_AGENT_LIBBPF_LOG=1</c> to echo
/// everything, debug lines included, to stderr.
/// </summary>
internal static unsafe class LibBpfLog
{
    private const int LevelWarn = 0;
    private const int LevelDebug = 2;
    private const int Capacity = 512;

    private static readonly Lock Gate = new();
    private static readonly Queue<(long Sequence, string Line)> Lines = new();
    private static readonly bool Echo = Environment.GetEnvironmentVariable("OTLPGRAINS_AGENT_LIBBPF_LOG") == "1";
    private static long _sequence;
    private static int _installed;

    /// <summary>Routes libbpf's messages here (once per process) and returns a mark for <see cref="WarningsSince"/>.</summary>
    public static long Mark()
    {
        if (Interlocked.Exchange(ref _installed, 1) == 0)
        {
            LibBpf.SetPrint(&Print);
        }

        lock (Gate)
        {
            return _sequence;
        }
    }

    /// <summary>The warnings libbpf printed after <paramref name="mark"/>, oldest first.</summary>
    public static IReadOnlyList<string> WarningsSince(long mark)
    {
        lock (Gate)
        {
            return Lines.Where(l => l.Sequence > mark).Select(l => l.Line).ToArray();
        }
    }

    /// <summary>The most telling warning since <paramref name="mark"/>: the last one that says what failed.</summary>
    public static string? SummarySince(long mark)
    {
        var lines = WarningsSince(mark);
        return lines.LastOrDefault(l => l.Contains("failed", StringComparison.Ordinal) || l.Contains("error", StringComparison.OrdinalIgnoreCase))
            ?? (lines.Count > 0 ? lines[^1] : null);
    }

    [UnmanagedCallersOnly]
    private static int Print(int level, nint format, nint arguments)
    {
        try
        {
            if (level == LevelDebug && !Echo)
            {
                return 0;
            }

            const int Size = 1024;
            byte* buffer = stackalloc byte[Size];
            int written = Libc.VsnPrintf(buffer, Size, format, arguments);
            if (written <= 0)
            {
                return 0;
            }

            string text = Encoding.UTF8.GetString(buffer, Math.Min(written, Size - 1)).TrimEnd('\n');
            if (Echo)
            {
                Console.Error.WriteLine(text);
            }

            if (level <= LevelWarn + 1)
            {
                lock (Gate)
                {
                    Lines.Enqueue((++_sequence, text));
                    while (Lines.Count > Capacity)
                    {
                        Lines.Dequeue();
                    }
                }
            }
        }
        catch (Exception)
        {
            // Nothing may escape into libbpf's C frames; a lost log line is harmless.
        }

        return 0;
    }
}
