using System.Net;
using OtlpGrains.Agent.Processes;
using OtlpGrains.Agent.Workloads;
using Xunit;

namespace OtlpGrains.Agent.Tests;

/// <summary>The addresses a workload report lists, read from a fake <c>/proc</c> laid out as the kernel lays it out.</summary>
public sealed class WorkloadScannerTests : IDisposable
{
    private readonly string _proc = Directory.CreateTempSubdirectory("otlpgrains-proc-").FullName;

    public void Dispose() => Directory.Delete(_proc, recursive: true);

    [Fact]
    public void TcpLinesParseWithTheirWordsInHostOrder()
    {
        Assert.True(ProcNet.TryParseTcpLine("   1: 0200D90A:1F90 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 4242 1 0 100 0 0 10 0", out var listener));
        Assert.Equal((new IPEndPoint(IPAddress.Parse("10.217.0.2"), 8080), 4242UL, true), (listener.Local, listener.Inode, listener.IsListening));

        // tcp6 holds IPv4-mapped sockets (unmapped here) and real IPv6 ones.
        Assert.True(ProcNet.TryParseTcpLine("   0: 0000000000000000FFFF00000100D90A:D102 0000000000000000FFFF00000200D90A:1F90 01 00000000:00000000 00:00000000 00000000     0        0 77 1", out var mapped));
        Assert.Equal((IPAddress.Parse("10.217.0.1"), 53506, IPAddress.Parse("10.217.0.2")), (mapped.Local.Address, mapped.Local.Port, mapped.Remote.Address));
        Assert.True(ProcNet.TryParseTcpLine("   0: 000080FE00000000FF0000020100005E:0050 00000000000000000000000000000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 78 1", out var v6));
        Assert.Equal(IPAddress.Parse("fe80::200:ff:5e00:1"), v6.Local.Address);

        Assert.False(ProcNet.TryParseTcpLine("  sl  local_address rem_address   st", out _));
    }

    [Fact]
    public void ListenersAreNamedOnEveryAddressOfTheirNamespaceAndClientsByTheirSourceAddress()
    {
        var server = Process(10, "net:[4026532001]", [1001, 1002], "orders");
        var client = Process(20, "net:[4026532001]", [2001, 2002], "frontend");
        WriteNet(10,
            tcp:
            [
                Line(1001, "00000000:1F90", "00000000:0000", "0A"),  // 0.0.0.0:8080, listening: every address of the namespace
                Line(1002, "0200D90A:1F90", "0100D90A:D102", "01"),  // an accepted connection on the listening port
                Line(2001, "0100D90A:D102", "0200D90A:1F90", "01"),  // the client's connection: its source address, port 0
                Line(2002, "0100007F:2710", "0100007F:1F90", "01"),  // loopback: names no workload across nodes
            ],
            fibTrie: "Local:\n  +-- 0.0.0.0/0 3 0 5\n     |-- 10.217.0.2\n        /32 host LOCAL\n     |-- 10.217.0.1\n        /32 host LOCAL\n     |-- 127.0.0.1\n        /32 host LOCAL\n");
        WriteNet(20, [], string.Empty); // same namespace: read once, from the first process

        var report = new WorkloadScanner(_proc).Scan([(server, 100), (client, 200)]);

        Assert.Equal(
            [("10.217.0.2", 8080u, "orders"), ("10.217.0.1", 8080u, "orders"), ("10.217.0.1", 0u, "frontend")],
            report.Select(a => (a.Address, a.Port, a.ServiceName)));
        // Start times: btime 1,700,000,000 s plus 100 and 200 ticks of 10 ms.
        Assert.Equal([1_700_000_001_000_000_000UL, 1_700_000_001_000_000_000UL, 1_700_000_002_000_000_000UL], report.Select(a => a.ProcessStartTimeUnixNano));
        Assert.Equal("pod-uid", report[0].K8SPodUid);
    }

    [Fact]
    public void ANamespaceIsReadAgainOnlyWhenItsSocketsChangeOrItsReadGrowsOld()
    {
        // 1001 listens, 1002 is connected, 5000 is no TCP socket (a unix socket: the tables never list it).
        var server = Process(10, "net:[4026532009]", [1001, 1002, 5000], "orders");
        string[] settled = [Line(1001, "00000000:1F90", "00000000:0000", "0A"), Line(1002, "0200D90A:1F90", "0100D90A:D102", "01")];
        const string FibTrie = "Local:\n  +-- 0.0.0.0/0 3 0 5\n     |-- 10.217.0.2\n        /32 host LOCAL\n";
        WriteNet(10, settled, FibTrie);
        var clock = new StepClock();
        var scanner = new WorkloadScanner(_proc, clock);
        string Ports() => string.Join(",", scanner.Scan([(server, 100)]).Select(a => a.Port));

        Assert.Equal(("8080", 1L), (Ports(), scanner.TableReads));
        clock.Advance(TimeSpan.FromSeconds(10));
        Assert.Equal(("8080", 1L), (Ports(), scanner.TableReads)); // the same settled sockets: nothing to read

        // A new socket: read again, and its listener is reported.
        server = Process(10, "net:[4026532009]", [1001, 1002, 5000, 1003], "orders");
        WriteNet(10, [.. settled, Line(1003, "00000000:2382", "00000000:0000", "0A")], FibTrie);
        Assert.Equal(("8080,9090", 2L), (Ports(), scanner.TableReads));

        // A socket still connecting (SYN_SENT) is read again at every scan, until it settles.
        server = Process(10, "net:[4026532009]", [1001, 1002, 5000, 1003, 1004], "orders");
        WriteNet(10, [.. settled, Line(1003, "00000000:2382", "00000000:0000", "0A"), Line(1004, "0200D90A:D200", "0300D90A:0050", "02")], FibTrie);
        Assert.Equal(3L, (Ports(), scanner.TableReads).Item2);
        Assert.Equal(4L, (Ports(), scanner.TableReads).Item2);

        // Settled again (the connecting socket gone): the last read serves until it is TablesMaxAge old.
        server = Process(10, "net:[4026532009]", [1001, 1002, 5000, 1003], "orders");
        Assert.Equal(("8080,9090", 4L), (Ports(), scanner.TableReads));
        clock.Advance(WorkloadScanner.TablesMaxAge - TimeSpan.FromSeconds(1));
        Assert.Equal(4L, (Ports(), scanner.TableReads).Item2);
        clock.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(("8080,9090", 5L), (Ports(), scanner.TableReads));
    }

    [Fact]
    public void AProcessThatExitedIsLeftOut()
    {
        File.WriteAllText(Path.Combine(_proc, "stat"), "cpu 0\nbtime 1700000000\n");
        var gone = new ProcessIdentity(99, "gone", "gone", string.Empty, null, null);
        Assert.Empty(new WorkloadScanner(_proc).Scan([(gone, 1)]));
    }

    private ProcessIdentity Process(int pid, string netns, ulong[] sockets, string service)
    {
        File.WriteAllText(Path.Combine(_proc, "stat"), "cpu 0\nbtime 1700000000\n");
        string path = Path.Combine(_proc, pid.ToString(System.Globalization.CultureInfo.InvariantCulture));
        foreach (string old in new[] { Path.Combine(path, "ns"), Path.Combine(path, "fd") }.Where(Directory.Exists))
        {
            Directory.Delete(old, recursive: true); // laid out again: the process's sockets changed
        }

        var dir = Directory.CreateDirectory(path).FullName;
        Directory.CreateDirectory(Path.Combine(dir, "ns"));
        File.CreateSymbolicLink(Path.Combine(dir, "ns", "net"), netns);
        Directory.CreateDirectory(Path.Combine(dir, "fd"));
        File.CreateSymbolicLink(Path.Combine(dir, "fd", "0"), "/dev/null");
        for (int i = 0; i < sockets.Length; i++)
        {
            File.CreateSymbolicLink(Path.Combine(dir, "fd", (3 + i).ToString(System.Globalization.CultureInfo.InvariantCulture)), $"socket:[{sockets[i]}]");
        }

        return new ProcessIdentity(pid, service, service, service, null, "pod-uid");
    }

    private void WriteNet(int pid, string[] tcp, string fibTrie)
    {
        var net = Directory.CreateDirectory(Path.Combine(_proc, pid.ToString(System.Globalization.CultureInfo.InvariantCulture), "net")).FullName;
        File.WriteAllLines(Path.Combine(net, "tcp"), ["  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode", .. tcp]);
        File.WriteAllText(Path.Combine(net, "fib_trie"), fibTrie);
    }

    private sealed class StepClock : TimeProvider
    {
        private DateTimeOffset _now = new(2026, 12, 6, 0, 0, 0, TimeSpan.Zero);

        public override DateTimeOffset GetUtcNow() => _now;

        public void Advance(TimeSpan by) => _now += by;
    }

    private static string Line(ulong inode, string local, string remote, string state) =>
        $"   0: {local} {remote} {state} 00000000:00000000 00:00000000 00000000     0        0 {inode} 1 0 100 0 0 10 0";
}
