using System.Diagnostics;
using System.Reflection;
using System.Runtime.InteropServices;
using System.Threading.Channels;

namespace OtlpGrains.AgentBench;

/// <summary>
/// A child process whose stdout lines arrive on a channel (so the bench can wait for "ready"-style lines with a
/// deadline) and whose stdin stays open until <see cref="Stop"/>: the bench's own load roles stop when stdin closes.
/// </summary>
internal sealed partial class ChildProcess : IDisposable
{
    private const int SigTerm = 15;
    private readonly Process _process;
    private readonly Channel<string> _lines = Channel.CreateUnbounded<string>();

    private ChildProcess(Process process)
    {
        _process = process;
        _process.OutputDataReceived += (_, e) =>
        {
            if (e.Data is null)
            {
                _lines.Writer.TryComplete();
            }
            else
            {
                _lines.Writer.TryWrite(e.Data);
            }
        };
        _process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is not null)
            {
                Console.Error.WriteLine($"  [{process.Id}] {e.Data}");
            }
        };
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
    }

    public int Id => _process.Id;

    /// <summary>This program again, running one of its load roles.</summary>
    public static ChildProcess StartRole(params string[] arguments)
    {
        string self = Assembly.GetExecutingAssembly().Location;
        string host = Environment.ProcessPath!;
        bool viaDotnet = Path.GetFileNameWithoutExtension(host) == "dotnet";
        return Start(host, viaDotnet ? [self, .. arguments] : arguments);
    }

    public static ChildProcess Start(string fileName, IEnumerable<string> arguments)
    {
        var info = new ProcessStartInfo(fileName)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        foreach (string argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        return new ChildProcess(Process.Start(info)!);
    }

    /// <summary>The next stdout line that starts with <paramref name="prefix"/> (others are skipped).</summary>
    public async Task<string> WaitForLineAsync(string prefix, TimeSpan timeout, Action<string>? other = null)
    {
        using var deadline = new CancellationTokenSource(timeout);
        try
        {
            await foreach (string line in _lines.Reader.ReadAllAsync(deadline.Token))
            {
                if (line.StartsWith(prefix, StringComparison.Ordinal))
                {
                    return line;
                }

                other?.Invoke(line);
            }
        }
        catch (OperationCanceledException)
        {
            throw new TimeoutException($"child {_process.Id} did not print '{prefix}' within {timeout.TotalSeconds} s");
        }

        throw new InvalidOperationException($"child {_process.Id} exited without printing '{prefix}'");
    }

    /// <summary>The stdout lines not consumed yet, without waiting.</summary>
    public List<string> TakeLines()
    {
        var lines = new List<string>();
        while (_lines.Reader.TryRead(out string? line))
        {
            lines.Add(line);
        }

        return lines;
    }

    /// <summary>SIGTERM (the agent then detaches, flushes and exits), then waits; kills after the timeout.</summary>
    public void Interrupt(TimeSpan timeout)
    {
        if (!_process.HasExited)
        {
            _ = Kill(_process.Id, SigTerm);
            if (!_process.WaitForExit(timeout))
            {
                _process.Kill(entireProcessTree: true);
            }
        }

        _process.WaitForExit();
    }

    /// <summary>Closes stdin (the load roles stop on it) and waits; kills after the timeout.</summary>
    public void Stop(TimeSpan timeout)
    {
        if (!_process.HasExited)
        {
            _process.StandardInput.Close();
            if (!_process.WaitForExit(timeout))
            {
                _process.Kill(entireProcessTree: true);
            }
        }

        _process.WaitForExit();
    }

    public bool WaitForExit(TimeSpan timeout) => _process.WaitForExit(timeout);

    public void Dispose()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            _process.WaitForExit();
        }

        _process.Dispose();
    }

    [LibraryImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static partial int Kill(int pid, int signal);
}
