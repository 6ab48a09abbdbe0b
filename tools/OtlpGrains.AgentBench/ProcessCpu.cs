using System.Globalization;

namespace OtlpGrains.AgentBench;

/// <summary>CPU time of a process from <c>/proc/PID/stat</c> (utime + stime, all its threads).</summary>
internal static class ProcessCpu
{
    /// <summary>USER_HZ: the unit of /proc stat times; 100 on every Linux architecture .NET runs on.</summary>
    public const int TicksPerSecond = 100;

    /// <summary>utime + stime in clock ticks, or -1 when the process is gone.</summary>
    public static long Ticks(int pid)
    {
        string stat;
        try
        {
            stat = File.ReadAllText($"/proc/{pid}/stat");
        }
        catch (IOException)
        {
            return -1;
        }

        return ParseTicks(stat);
    }

    /// <summary>Fields 14 (utime) and 15 (stime) of a stat line; the command in parentheses may hold spaces.</summary>
    public static long ParseTicks(string stat)
    {
        string[] fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');

        // fields[0] is field 3 (state), so field N is fields[N - 3].
        return long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture);
    }
}
