using System.Diagnostics;
using OtlpGrains.Agent.Capture;

namespace OtlpGrains.Agent.Tests;

/// <summary>
/// Starts a program whose pid the capture watches before it runs: a shell waits on stdin, the test registers the
/// pid, then the shell execs the program under the same pid.
/// </summary>
internal static class GatedProcess
{
    public static Process Start(SocketCapture capture, string file, params string[] arguments)
    {
        var start = new ProcessStartInfo("sh")
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add("-c");
        start.ArgumentList.Add("read _ && exec \"$0\" \"$@\"");
        start.ArgumentList.Add(file);
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        var process = Process.Start(start)!;
        capture.Watch(process.Id);
        process.StandardInput.WriteLine();
        process.StandardInput.Close();
        return process;
    }
}
