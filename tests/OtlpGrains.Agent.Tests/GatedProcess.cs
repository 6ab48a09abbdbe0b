using System.Diagnostics;
using OtlpGrains.Agent.Capture;

namespace OtlpGrains.Agent.Tests;

/// <summary>
/// Starts a program whose pid the capture watches before it runs: a shell waits on stdin, the test registers the
/// pid, then the shell execs the program under the same pid.
/// </summary>
internal static class GatedProcess
{
    private static readonly Lazy<string> Interpreter = new(() =>
    {
        using var probe = Process.Start(new ProcessStartInfo("python3", ["-c", "import sys; print(sys.executable)"])
        {
            RedirectStandardOutput = true,
        })!;
        var path = probe.StandardOutput.ReadToEnd().Trim();
        probe.WaitForExit();
        return path.Length > 0 ? path : "python3";
    });

    /// <summary>
    /// The python3 interpreter itself: a version-manager shim (pyenv) may run python as a child, under a pid the
    /// watch list does not know.
    /// </summary>
    public static string Python => Interpreter.Value;

    public static Process Start(SocketCapture capture, string file, params string[] arguments) =>
        Start(capture, keepInput: false, file, arguments);

    /// <param name="keepInput">Leave the program's stdin open for the test to write (else it reads end of file).</param>
    public static Process Start(SocketCapture capture, bool keepInput, string file, params string[] arguments)
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
        if (keepInput)
        {
            process.StandardInput.Flush();
        }
        else
        {
            process.StandardInput.Close();
        }

        return process;
    }
}
