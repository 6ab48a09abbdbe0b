using System.Globalization;

namespace OtlpGrains.LoadTool;

/// <summary>
/// Samples a process's resident set size (<c>VmRSS</c> in <c>/proc/PID/status</c>) for the report: the memory
/// bound under load is shown as RSS over time, not as one number.
/// </summary>
internal sealed class RssWatch(int pid)
{
    private readonly List<(double Seconds, long Kib)> _samples = [];

    public IReadOnlyList<(double Seconds, long Kib)> Samples => _samples;

    /// <summary>Reads the RSS now; null once the process is gone.</summary>
    public long? Sample(double elapsedSeconds)
    {
        long? kib = Read(pid);
        if (kib is long value)
        {
            _samples.Add((elapsedSeconds, value));
        }

        return kib;
    }

    public void PrintReport()
    {
        if (_samples.Count == 0)
        {
            Console.WriteLine($"rss               process {pid} not readable");
            return;
        }

        long max = _samples.Max(sample => sample.Kib);
        Console.WriteLine($"rss (pid {pid})     max {max / 1024.0:0} MiB, last {_samples[^1].Kib / 1024.0:0} MiB over {_samples.Count} samples");
        Console.WriteLine("rss series        " + string.Join(' ', _samples.Select(s => string.Create(CultureInfo.InvariantCulture, $"{s.Seconds:0}s:{s.Kib / 1024}M"))));
    }

    private static long? Read(int pid)
    {
        try
        {
            foreach (string line in File.ReadLines($"/proc/{pid}/status"))
            {
                if (line.StartsWith("VmRSS:", StringComparison.Ordinal))
                {
                    return long.Parse(line.AsSpan(6).Trim().TrimEnd("kB").Trim(), CultureInfo.InvariantCulture);
                }
            }
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }

        return null;
    }
}
