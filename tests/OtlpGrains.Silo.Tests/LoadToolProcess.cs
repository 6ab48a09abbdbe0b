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
        var tool = Path.Combine(AppContext.BaseDirectory, "loadtool", "OtlpGrains.LoadTool.dll");
        var start = new ProcessStartInfo("dotnet", [tool, .. arguments])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        using var process = Process.Start(start) ?? throw new InvalidOperationException("could not start the load tool");
        var output = new StringBuilder();
        process.OutputDataReceived += (_, e) => { lock (output) { output.AppendLine(e.Data); } };
        process.ErrorDataReceived += (_, e) => { lock (output) { output.AppendLine(e.Data); } };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        using var cancel = new CancellationTokenSource(TimeSpan.FromMinutes(5));
        await process.WaitForExitAsync(cancel.Token);
        lock (output)
        {
            return (process.ExitCode, output.ToString());
        }
    }
}
