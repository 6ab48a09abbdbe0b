using System.Diagnostics;
using System.Text;
using Xunit;

namespace OtlpGrains.Silo.Tests;

/// <summary>The load tool run as its own process from the copy beside the tests (see CopyLoadTool in the project).</summary>
internal static class LoadToolProcess
{
    /// <summary>Runs the tool and fails the test unless it exits with 0; returns what it printed.</summary>
    public static async Task<string> RunOkAsync(params string[] arguments)
    {
        (int exitCode, string output) = await RunAsync(arguments);
        Assert.True(exitCode == 0, $"load tool exited with {exitCode}:\n{output}");
        return output;
    }

    /// <summary>Runs the tool; returns its exit code and its standard output and error, interleaved.</summary>
    public static async Task<(int ExitCode, string Output)> RunAsync(params string[] arguments)
    {
        var output = new StringBuilder();
        using var process = Launch(arguments, output);
        using var cancel = new CancellationTokenSource(TimeSpan.FromMinutes(5));
        await process.WaitForExitAsync(cancel.Token);
        lock (output)
        {
            return (process.ExitCode, output.ToString());
        }
    }

    /// <summary>Starts the tool (the null sink) and leaves it running until disposed.</summary>
    public static Running Start(params string[] arguments)
    {
        var output = new StringBuilder();
        return new Running(Launch(arguments, output), output);
    }

    private static Process Launch(string[] arguments, StringBuilder output)
    {
        var tool = Path.Combine(AppContext.BaseDirectory, "loadtool", "OtlpGrains.LoadTool.dll");
        var start = new ProcessStartInfo("dotnet", [tool, .. arguments])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        var process = Process.Start(start) ?? throw new InvalidOperationException("could not start the load tool");
        process.OutputDataReceived += (_, e) => { lock (output) { output.AppendLine(e.Data); } };
        process.ErrorDataReceived += (_, e) => { lock (output) { output.AppendLine(e.Data); } };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return process;
    }

    /// <summary>A tool process that runs until disposed (killed).</summary>
    public sealed class Running(Process process, StringBuilder output) : IAsyncDisposable
    {
        public async Task WaitForOutputAsync(string text, TimeSpan timeout)
        {
            var deadline = DateTime.UtcNow + timeout;
            while (true)
            {
                lock (output)
                {
                    if (output.ToString().Contains(text, StringComparison.Ordinal))
                    {
                        return;
                    }
                }

                Assert.False(process.HasExited, $"load tool exited with {(process.HasExited ? process.ExitCode : 0)}:\n{output}");
                Assert.True(DateTime.UtcNow < deadline, $"load tool did not print '{text}' in {timeout}:\n{output}");
                await Task.Delay(100);
            }
        }

        public async ValueTask DisposeAsync()
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
                await process.WaitForExitAsync();
            }

            process.Dispose();
        }
    }
}
