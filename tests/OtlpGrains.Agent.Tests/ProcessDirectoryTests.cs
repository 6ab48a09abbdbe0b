using OtlpGrains.Agent.Processes;
using Xunit;

namespace OtlpGrains.Agent.Tests;

/// <summary>The pipeline's process cache forgets exited processes and reused pids, but not recently active ones.</summary>
public sealed class ProcessDirectoryTests : IDisposable
{
    private const long Second = 1_000_000_000;
    private readonly string _root = Directory.CreateTempSubdirectory("otlpgrains-proc-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    [Fact]
    public void ExitedProcessesAreForgottenAfterASweepInterval()
    {
        Process(100, "shop", startTime: 5000);
        var directory = new ProcessDirectory(_root, sweepIntervalNs: 10 * Second);
        directory.Seen(100, 1 * Second, "unused", static c => c);
        directory.Seen(200, 1 * Second, "curl", static c => c); // already gone: named by its comm
        Assert.Equal(("shop", "curl"), (directory.Get(100).ServiceName, directory.Get(200).ServiceName));

        directory.Sweep(5 * Second); // too soon after the last activity: kept
        Assert.Equal(2, directory.Count);

        directory.Sweep(12 * Second);
        Assert.Equal((1, 1L), (directory.Count, directory.Forgotten)); // pid 200 has no /proc entry
        Assert.Equal("shop", directory.Get(100).ServiceName);
    }

    [Fact]
    public void AReusedPidIsReadAgain()
    {
        Process(300, "old", startTime: 1000);
        var directory = new ProcessDirectory(_root, sweepIntervalNs: 10 * Second);
        directory.Seen(300, 1 * Second, string.Empty, static c => c);

        Directory.Delete(Path.Combine(_root, "300"), recursive: true);
        Process(300, "new", startTime: 9000); // another process took the pid
        directory.Sweep(20 * Second);
        directory.Seen(300, 21 * Second, string.Empty, static c => c);

        Assert.Equal("new", directory.Get(300).ServiceName);
        Assert.Equal(1, directory.Forgotten);
    }

    [Fact]
    public void ALiveProcessIsKept()
    {
        Process(400, "api", startTime: 77);
        var directory = new ProcessDirectory(_root, sweepIntervalNs: 10 * Second);
        directory.Seen(400, 0, string.Empty, static c => c);

        directory.Sweep(60 * Second);

        Assert.Equal((1, 0L), (directory.Count, directory.Forgotten));

        // The real /proc, with this test host: its stat parses, so it is not taken for a reused pid.
        var real = new ProcessDirectory(sweepIntervalNs: 10 * Second);
        real.Seen(Environment.ProcessId, 0, string.Empty, static c => c);
        real.Sweep(60 * Second);
        Assert.Equal((1, 0L), (real.Count, real.Forgotten));
    }

    // A fake /proc/PID: comm, cmdline and a stat line whose comm holds a space and a parenthesis.
    private void Process(int pid, string name, long startTime)
    {
        var dir = Directory.CreateDirectory(Path.Combine(_root, pid.ToString(System.Globalization.CultureInfo.InvariantCulture))).FullName;
        File.WriteAllText(Path.Combine(dir, "comm"), name + "\n");
        File.WriteAllText(Path.Combine(dir, "cmdline"), $"/usr/bin/{name}\0--flag\0");
        var fields = Enumerable.Range(3, 50).Select(i => i == 22 ? startTime.ToString(System.Globalization.CultureInfo.InvariantCulture) : "0");
        File.WriteAllText(Path.Combine(dir, "stat"), $"{pid} ({name} x) S " + string.Join(' ', fields.Skip(1)) + "\n");
    }
}
