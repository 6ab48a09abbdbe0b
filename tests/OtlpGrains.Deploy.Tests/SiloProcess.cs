using System.Diagnostics;
using System.Globalization;
using System.Text;

namespace OtlpGrains.Deploy.Tests;

/// <summary>
/// A silo as its own process (<c>OtlpGrains.Silo.dll</c> from the test's output folder), its output kept for failure
/// messages, stopped as the kubelet stops a pod: SIGTERM, then SIGKILL after 30 s.
/// </summary>
internal class SiloProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _output = new();

    protected SiloProcess(ProcessStartInfo start)
    {
        start.RedirectStandardOutput = true;
        start.RedirectStandardError = true;
        start.UseShellExecute = false;
        _process = Process.Start(start) ?? throw new InvalidOperationException("the silo did not start");
        _process.OutputDataReceived += (_, e) => Append(e.Data);
        _process.ErrorDataReceived += (_, e) => Append(e.Data);
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
    }

    /// <summary>The silo's program, for a launcher to run.</summary>
    public static string Program => Path.Combine(AppContext.BaseDirectory, "OtlpGrains.Silo.dll");

    public string Output
    {
        get
        {
            lock (_output)
            {
                return _output.ToString();
            }
        }
    }

    /// <summary>Starts what <paramref name="start"/> describes, which runs the silo (directly or through a launcher that execs it).</summary>
    public static SiloProcess Launch(ProcessStartInfo start) => new(start);

    /// <summary>Polls <paramref name="ready"/> until it holds, the silo exits, or <paramref name="patience"/> runs out.</summary>
    public async Task WaitAsync(Func<Task<bool>> ready, TimeSpan patience, string what)
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            if (_process.HasExited)
            {
                throw new InvalidOperationException($"the silo exited ({_process.ExitCode}) before {what}:\n{Output}");
            }

            try
            {
                if (await ready())
                {
                    return;
                }
            }
            catch (Exception exception) when (exception is HttpRequestException or TaskCanceledException)
            {
                // Not listening or not answering yet.
            }

            if (clock.Elapsed > patience)
            {
                throw new TimeoutException($"not {what} within {patience.TotalSeconds} s:\n{Output}");
            }

            await Task.Delay(250);
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            PodNetwork.Run("kill", "-TERM", _process.Id.ToString(CultureInfo.InvariantCulture));
            using var patience = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            try
            {
                await _process.WaitForExitAsync(patience.Token);
            }
            catch (OperationCanceledException)
            {
                _process.Kill(entireProcessTree: true);
                await _process.WaitForExitAsync();
            }
        }

        _process.Dispose();
        GC.SuppressFinalize(this);
    }

    private void Append(string? line)
    {
        lock (_output)
        {
            _output.AppendLine(line);
        }
    }
}
