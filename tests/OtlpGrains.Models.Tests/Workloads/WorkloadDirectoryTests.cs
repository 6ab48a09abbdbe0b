using OtlpGrains.Interfaces;
using OtlpGrains.Models.Workloads;
using Xunit;

namespace OtlpGrains.Models.Tests.Workloads;

public sealed class WorkloadDirectoryTests
{
    private static WorkloadEntry Entry(string address, string service, long started, int port = 0) =>
        new(address, port, service, $"{service}-1", started);

    private static WorkloadNameTable Names(WorkloadDirectory directory) => new(directory.Snapshot());

    [Fact]
    public void AReportedAddressNamesItsService()
    {
        var directory = new WorkloadDirectory(ttl: 100, maxEntries: 10);
        var result = directory.Report("node-a", [Entry("10.0.2.9", "shop/orders", 5), Entry("10.0.2.10", "payments", 5, port: 9090)], complete: false, now: 0);

        Assert.Equal(new WorkloadReportResult(2, 0, null), result);
        var names = Names(directory);
        Assert.Equal("shop/orders", names.ServiceOf("10.0.2.9"));
        Assert.Equal("shop/orders", names.ServiceOf("10.0.2.9:8080"));
        Assert.Equal("payments", names.ServiceOf("10.0.2.10:9090"));
        Assert.Equal("payments", names.ServiceOf("10.0.2.10"));
        Assert.Null(names.ServiceOf("10.0.2.11"));
        Assert.Null(names.ServiceOf("orders.shop.svc"));
    }

    [Fact]
    public void TheLaterProcessStartWinsWhicheverReportsLast()
    {
        var directory = new WorkloadDirectory(ttl: 100, maxEntries: 10);
        directory.Report("node-a", [Entry("10.0.2.9", "orders", started: 100)], complete: false, now: 0);
        directory.Report("node-b", [Entry("10.0.2.9", "inventory", started: 200)], complete: false, now: 1);
        Assert.Equal("inventory", Names(directory).ServiceOf("10.0.2.9"));

        // The old owner still reports the address it lost: ignored.
        long version = directory.Version;
        var stale = directory.Report("node-a", [Entry("10.0.2.9", "orders", started: 100)], complete: false, now: 2);
        Assert.Equal(1, stale.Accepted);
        Assert.Equal("inventory", Names(directory).ServiceOf("10.0.2.9"));
        Assert.Equal(version, directory.Version);
    }

    [Fact]
    public void ACompleteReportForgetsTheNodesAddressesItLeftOut()
    {
        var directory = new WorkloadDirectory(ttl: 100, maxEntries: 10);
        directory.Report("node-a", [Entry("10.0.2.9", "orders", 1), Entry("10.0.2.10", "payments", 1)], complete: false, now: 0);
        directory.Report("node-b", [Entry("10.0.3.1", "gateway", 1)], complete: false, now: 0);

        directory.Report("node-a", [Entry("10.0.2.9", "orders", 1)], complete: true, now: 1);

        var names = Names(directory);
        Assert.Equal("orders", names.ServiceOf("10.0.2.9"));
        Assert.Null(names.ServiceOf("10.0.2.10"));
        Assert.Equal("gateway", names.ServiceOf("10.0.3.1"));
    }

    [Fact]
    public void EntriesNotReportedForTheTtlExpire()
    {
        var directory = new WorkloadDirectory(ttl: 100, maxEntries: 10);
        directory.Report("node-a", [Entry("10.0.2.9", "orders", 1), Entry("10.0.2.10", "payments", 1)], complete: false, now: 0);
        directory.Report("node-a", [Entry("10.0.2.10", "payments", 1)], complete: false, now: 60);

        Assert.Equal(0, directory.Expire(99));
        Assert.Equal(1, directory.Expire(100));
        Assert.Null(Names(directory).ServiceOf("10.0.2.9"));
        Assert.Equal("payments", Names(directory).ServiceOf("10.0.2.10"));
        Assert.Equal(1, directory.Expire(160));
        Assert.Equal(0, directory.Count);
    }

    [Fact]
    public void BadEntriesAndEntriesBeyondTheBoundAreRefusedOneByOne()
    {
        var directory = new WorkloadDirectory(ttl: 100, maxEntries: 2);
        var result = directory.Report("node-a",
        [
            Entry("10.0.2.9", "orders", 1),
            Entry("not-an-address", "orders", 1),
            Entry(string.Empty, "orders", 1),
            Entry("10.0.2.10", string.Empty, 1),
            Entry("::ffff:10.0.2.11", "payments", 1),
            Entry("10.0.2.12", "shipping", 1),
        ], complete: false, now: 0);

        Assert.Equal(2, result.Accepted);
        Assert.Equal(4, result.Rejected);
        Assert.Equal("'not-an-address' is not an IPv4 or IPv6 address", result.Error);
        Assert.Equal(4, directory.Refused);
        Assert.Equal("payments", Names(directory).ServiceOf("10.0.2.11"));
        Assert.Contains("full (2 entries)", directory.Report("node-a", [Entry("10.0.2.13", "x", 1)], false, 1).Error, StringComparison.Ordinal);
        Assert.Equal(0, directory.Report(string.Empty, [Entry("10.0.2.9", "x", 1)], false, 1).Accepted);
    }

    [Fact]
    public void AnAddressWhosePortsDisagreeIsNamedOnlyByPort()
    {
        var directory = new WorkloadDirectory(ttl: 100, maxEntries: 10);
        directory.Report("node-a", [Entry("10.0.2.9", "orders", 1, port: 8080), Entry("10.0.2.9", "metrics-sidecar", 1, port: 9100)], false, 0);
        var names = Names(directory);
        Assert.Null(names.ServiceOf("10.0.2.9"));
        Assert.Equal("orders", names.ServiceOf("10.0.2.9:8080"));
        Assert.Equal("metrics-sidecar", names.ServiceOf("10.0.2.9:9100"));
    }

    [Fact]
    public void NamingAGraphTurnsAddressEdgesIntoServiceEdgesAndMergesThem()
    {
        var directory = new WorkloadDirectory(ttl: 100, maxEntries: 10);
        directory.Report("node-a", [Entry("10.0.2.9", "orders", 1)], false, 0);
        EdgeStats[] edges =
        [
            new("frontend", "orders", false, 10, 1, new LatencySummary(5, 9, 12)),
            new("frontend", "10.0.2.9", true, 4, 2, new LatencySummary(6, 8, 9)),
            new("frontend", "10.9.9.9", true, 3, 0, LatencySummary.Empty),
        ];

        var named = PeerNaming.Name(edges, Names(directory));

        Assert.Equal(2, named.Length);
        Assert.Equal(new EdgeStats("frontend", "orders", false, 14, 3, new LatencySummary(5, 9, 12)), named[0]);
        Assert.Equal(edges[2], named[1]);
    }
}
