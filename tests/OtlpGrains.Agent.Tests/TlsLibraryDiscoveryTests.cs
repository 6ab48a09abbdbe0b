using OtlpGrains.Agent.Tls;
using Xunit;

namespace OtlpGrains.Agent.Tests;

/// <summary>TLS library discovery on a fake /proc: maps text in numbered directories.</summary>
public sealed class TlsLibraryDiscoveryTests : IDisposable
{
    private readonly string _proc = Directory.CreateTempSubdirectory("otlpgrains-proc-").FullName;

    [Fact]
    public void EachTlsLibraryFileIsFoundOnceAndOpenedThroughTheProcessRoot()
    {
        // Host process: libssl mapped four times (one file), plus libcrypto and an anonymous mapping.
        Maps(100, """
            7f0000000000-7f0000020000 r--p 00000000 fe:01 332685                     /usr/lib/x86_64-linux-gnu/libssl.so.3
            7f0000020000-7f0000080000 r-xp 00020000 fe:01 332685                     /usr/lib/x86_64-linux-gnu/libssl.so.3
            7f0000080000-7f00000a0000 r--p 00080000 fe:01 332685                     /usr/lib/x86_64-linux-gnu/libssl.so.3
            7f00000a0000-7f00000b0000 rw-p 000a0000 fe:01 332685                     /usr/lib/x86_64-linux-gnu/libssl.so.3
            7f00000b0000-7f00000c0000 r-xp 00000000 fe:01 332600                     /usr/lib/x86_64-linux-gnu/libcrypto.so.3
            7f00000c0000-7f00000d0000 rw-p 00000000 00:00 0
            """);
        // Same file in a second process; a container with its own libssl 1.1 (another device); a deleted file.
        Maps(200, "7f0000000000-7f0000020000 r-xp 00000000 fe:01 332685 /lib/x86_64-linux-gnu/libssl.so.3\n");
        Maps(300, """
            7f1000000000-7f1000020000 r-xp 00000000 00:2a 41                         /usr/lib/libssl.so.1.1
            7f2000000000-7f2000020000 r-xp 00000000 fe:01 99                         /opt/app/libssl.so.3 (deleted)
            """);
        // Not a process, and a process whose maps vanished.
        Directory.CreateDirectory(Path.Combine(_proc, "self"));
        Directory.CreateDirectory(Path.Combine(_proc, "400"));

        var found = TlsLibraryDiscovery.Scan(_proc, new HashSet<(string, long)>()).OrderBy(f => f.Pid).ToList();

        Assert.Equal(2, found.Count);
        Assert.Equal(new TlsLibraryFile(100, "/usr/lib/x86_64-linux-gnu/libssl.so.3", "fe:01", 332685, $"{_proc}/100/root/usr/lib/x86_64-linux-gnu/libssl.so.3", TlsLibraryKind.OpenSsl), found[0]);
        Assert.Equal(new TlsLibraryFile(300, "/usr/lib/libssl.so.1.1", "00:2a", 41, $"{_proc}/300/root/usr/lib/libssl.so.1.1", TlsLibraryKind.OpenSsl), found[1]);

        // Known files are not returned again.
        var again = TlsLibraryDiscovery.Scan(_proc, new HashSet<(string, long)> { ("fe:01", 332685) });
        Assert.Equal(("00:2a", 41L), again.Select(f => (f.Device, f.Inode)).Single());
    }

    [Fact]
    public void AProcessWhoseVirtualSizeDidNotChangeIsNotReadAgain()
    {
        Maps(500, "7f0000000000-7f0000020000 r-xp 00000000 fe:01 12 /usr/lib/libssl.so.3\n");
        Stat(500, 1_000_000);
        Maps(600, "7f0000000000-7f0000020000 r-xp 00000000 fe:01 13 /usr/lib/libssl.so.1.1\n"); // no stat: always read
        var reads = new Dictionary<int, MapsRead>();
        var none = new HashSet<(string, long)>();

        Assert.Equal([12L, 13L], TlsLibraryDiscovery.Scan(_proc, none, reads, nowMs: 0, rereadAfterMs: 10_000).Select(f => f.Inode).Order());
        Assert.Equal(new MapsRead(1_000_000, 0, 0), reads[500]);
        Assert.Equal([13L], TlsLibraryDiscovery.Scan(_proc, none, reads, nowMs: 2_000, rereadAfterMs: 10_000).Select(f => f.Inode));

        Stat(500, 1_200_000); // mapped something since: young, so read at once
        Assert.Equal([12L, 13L], TlsLibraryDiscovery.Scan(_proc, none, reads, nowMs: 4_000, rereadAfterMs: 10_000).Select(f => f.Inode).Order());
        Assert.Equal(new MapsRead(1_200_000, 4_000, 0), reads[500]);
    }

    [Fact]
    public void AProcessThatRanAWhileIsReadAgainAfterAChangeOnlyOnceTheIntervalPassed()
    {
        Maps(500, "7f0000000000-7f0000020000 r-xp 00000000 fe:01 12 /usr/lib/libssl.so.3\n");
        Stat(500, 1_000_000);
        var reads = new Dictionary<int, MapsRead>();
        var none = new HashSet<(string, long)>();
        Assert.Single(TlsLibraryDiscovery.Scan(_proc, none, reads, nowMs: 0, rereadAfterMs: 10_000));

        // Settled (first read 30 s ago), read 2 s ago: its size changed, but it waits for the rest of the interval.
        reads[500] = new MapsRead(1_000_000, 28_000, 0);
        Stat(500, 1_100_000);
        Assert.Empty(TlsLibraryDiscovery.Scan(_proc, none, reads, nowMs: 30_000, rereadAfterMs: 10_000));
        Assert.Equal(new MapsRead(1_000_000, 28_000, 0), reads[500]); // the change is still seen as one later
        Assert.Single(TlsLibraryDiscovery.Scan(_proc, none, reads, nowMs: 38_000, rereadAfterMs: 10_000));
        Assert.Equal(new MapsRead(1_100_000, 38_000, 0), reads[500]);
    }

    [Theory]
    [InlineData("7f0000000000-7f0000020000 r-xp 00000000 fe:01 12 /usr/lib/libssl.so", true)]
    [InlineData("7f0000000000-7f0000020000 r-xp 00000000 fe:01 12 /usr/lib/libssl3.so", false)] // NSS, not OpenSSL
    [InlineData("7f0000000000-7f0000020000 r-xp 00000000 fe:01 12 /usr/lib/notlibssl.so.3", false)]
    [InlineData("7f0000000000-7f0000020000 r-xp 00000000 fe:01 0 /usr/lib/libssl.so.3", false)]
    [InlineData("7f0000000000-7f0000020000 r-xp 00000000 fe:01 12", false)]
    [InlineData("garbage libssl.so", false)]
    [InlineData("7f0000000000-7f0000020000 r-xp 00000000 fe:01 12 /my dir/libssl.so.3", true)]
    public void MapsLinesAreParsedStrictly(string line, bool expected)
    {
        Assert.Equal(expected, TlsLibraryDiscovery.TryParse(line, out _, out _, out _, out TlsLibraryKind kind));
        Assert.Equal(TlsLibraryKind.OpenSsl, kind); // each line names libssl or is refused (the kind then stays at its default)
    }

    [Fact]
    public void GnuTlsIsFoundBesideOpenSslAndNamedByKind()
    {
        Maps(700, """
            7f0000000000-7f0000020000 r-xp 00000000 fe:01 20 /usr/lib/x86_64-linux-gnu/libgnutls.so.30.34.3
            7f0000020000-7f0000040000 r-xp 00000000 fe:01 21 /usr/lib/x86_64-linux-gnu/libssl.so.3
            7f0000040000-7f0000060000 r-xp 00000000 fe:01 22 /usr/lib/x86_64-linux-gnu/libgnutls-dane.so.0
            """);

        var found = TlsLibraryDiscovery.Scan(_proc, new HashSet<(string, long)>()).OrderBy(f => f.Inode).ToList();

        Assert.Equal([(20L, TlsLibraryKind.GnuTls), (21L, TlsLibraryKind.OpenSsl)], found.Select(f => (f.Inode, f.Kind)));
        Assert.True(TlsLibraryDiscovery.TryParse("7f00-7f01 r-xp 00000000 fe:01 20 /lib/libgnutls.so.30", out _, out _, out _, out TlsLibraryKind kind));
        Assert.Equal(TlsLibraryKind.GnuTls, kind);
    }

    public void Dispose() => Directory.Delete(_proc, recursive: true);

    // A /proc/PID/stat line whose comm holds spaces and parentheses; vsize is field 23.
    private void Stat(int pid, long virtualSize) =>
        File.WriteAllText(Path.Combine(_proc, pid.ToString(System.Globalization.CultureInfo.InvariantCulture), "stat"),
            $"{pid} (odd) name) S 1 {pid} {pid} 0 -1 4194560 100 0 0 0 1 2 0 0 20 0 1 0 12345 {virtualSize} 250 18446744073709551615 1 1 0 0 0 0 0 0 0 0 0 0 17 1 0 0 0 0 0\n");

    private void Maps(int pid, string text)
    {
        var directory = Path.Combine(_proc, pid.ToString(System.Globalization.CultureInfo.InvariantCulture));
        Directory.CreateDirectory(directory);
        File.WriteAllText(Path.Combine(directory, "maps"), text);
    }
}
