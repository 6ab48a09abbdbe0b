using System.Diagnostics;
using System.Globalization;
using System.Net;
using OtlpGrains.Agent.Conntrack;
using OtlpGrains.Agent.Export;
using OtlpGrains.Agent.Protocols;
using Xunit;

namespace OtlpGrains.Agent.Tests;

/// <summary>
/// The agent's own ctnetlink client against real kube-proxy-like DNAT in a network namespace, checked against the
/// <c>conntrack</c> CLI when it is installed; and the attributes a translated connection gives its spans.
/// </summary>
public sealed class ConntrackTests(Xunit.Abstractions.ITestOutputHelper output)
{
    [TwoNodeFact(bpf: false)]
    public void LookupInTheClientsNamespaceFindsTheServersRealAddressBehindTheVirtualIp()
    {
        var target = LocalSilo.FreePort();
        using var network = TwoNodeNetwork.Create(80, target);
        using var server = Process.Start(new ProcessStartInfo("ip", TwoNodeNetwork.In(network.NodeB, "python3", "-m", "http.server",
            target.ToString(CultureInfo.InvariantCulture), "--bind", network.AddressB.ToString()))
        { RedirectStandardOutput = true, RedirectStandardError = true })!;
        try
        {
            var clientPort = CurlThroughVirtualIp(network);
            var client = new IPEndPoint(network.AddressA, clientPort);
            var service = new IPEndPoint(network.VirtualIp, 80);
            var real = new IPEndPoint(network.AddressB, target);

            using var conntrack = ConntrackClient.Open(network.PathA);
            var entry = conntrack.Lookup(client, service);
            Assert.Equal(new ConntrackEntry(client, service, real, client), entry);
            Assert.True(entry!.IsTranslated);
            // Either tuple finds the entry: the server-side view (the reply tuple) too.
            Assert.Equal(entry, conntrack.Lookup(real, client));
            Assert.Null(conntrack.Lookup(new IPEndPoint(network.AddressA, 1), service));
            Assert.Equal((3L, 2L, 1L, 0L), (conntrack.Lookups, conntrack.Translated, conntrack.NotFound, conntrack.Failures));

            // The table is the namespace's own: the agent's namespace has no such connection.
            using var root = ConntrackClient.Open(null);
            Assert.Null(root.Lookup(client, service));
            Assert.Equal((1L, 0L), (root.NotFound, root.Failures));

            // What a lookup costs (once per connection, on the pipeline's thread), for the README.
            var timer = Stopwatch.StartNew();
            var cpu = Process.GetCurrentProcess().TotalProcessorTime;
            for (int i = 0; i < 2000; i++)
            {
                Assert.NotNull(conntrack.Lookup(client, service));
            }

            output.WriteLine($"2000 lookups: {timer.Elapsed.TotalMicroseconds / 2000:F1} us each, {(Process.GetCurrentProcess().TotalProcessorTime - cpu).TotalMicroseconds / 2000:F1} us CPU each");

            if (File.Exists("/usr/sbin/conntrack"))
            {
                // The CLI prints the reply tuple after the original one.
                var listed = TwoNodeNetwork.Run("ip", TwoNodeNetwork.In(network.NodeA, "conntrack", "-L", "-p", "tcp", "--sport", clientPort.ToString(CultureInfo.InvariantCulture)));
                Assert.Contains($"src={client.Address} dst={service.Address} sport={clientPort} dport=80 src={real.Address} dst={client.Address} sport={target} dport={clientPort}", listed, StringComparison.Ordinal);
            }
        }
        finally
        {
            server.Kill(entireProcessTree: true);
            server.WaitForExit(10_000);
        }
    }

    [Fact]
    public void TranslatedConnectionsNameTheOtherEndsViewOnEachSide()
    {
        var client = new IPEndPoint(IPAddress.Parse("10.1.0.7"), 40000);
        var service = new IPEndPoint(IPAddress.Parse("10.96.0.10"), 80);
        var real = new IPEndPoint(IPAddress.Parse("10.1.1.9"), 8080);
        var nat = new ConntrackEntry(client, service, real, client);

        var clientSide = Attributes(ConnectionAttributes.Of(ConnectionRole.Client, client, service, nat));
        Assert.Equal(new Dictionary<string, string>
        {
            ["server.address"] = "10.96.0.10", ["server.port"] = "80",
            ["network.transport"] = "tcp", ["network.type"] = "ipv4",
            ["network.local.address"] = "10.1.0.7", ["network.local.port"] = "40000",
            ["network.peer.address"] = "10.96.0.10", ["network.peer.port"] = "80",
            ["otlpgrains.nat.local.address"] = "10.1.0.7", ["otlpgrains.nat.local.port"] = "40000",
            ["otlpgrains.nat.peer.address"] = "10.1.1.9", ["otlpgrains.nat.peer.port"] = "8080",
        }, clientSide);

        // A server whose node translated (a NodePort): the original tuple is what the client dialled.
        var serverSide = Attributes(ConnectionAttributes.Of(ConnectionRole.Server, new IPEndPoint(real.Address, real.Port), client, nat));
        Assert.Equal(("10.96.0.10", "80", "10.1.0.7", "40000"),
            (serverSide["otlpgrains.nat.local.address"], serverSide["otlpgrains.nat.local.port"], serverSide["otlpgrains.nat.peer.address"], serverSide["otlpgrains.nat.peer.port"]));

        // Untranslated (the reply mirrors the original) and IPv4-mapped IPv6: no nat attributes, addresses unmapped.
        var mirror = new ConntrackEntry(client, real, real, client);
        var mapped = Attributes(ConnectionAttributes.Of(ConnectionRole.Client, new IPEndPoint(client.Address.MapToIPv6(), client.Port), new IPEndPoint(real.Address.MapToIPv6(), real.Port), mirror));
        Assert.DoesNotContain(mapped.Keys, k => k.StartsWith("otlpgrains.nat.", StringComparison.Ordinal));
        Assert.Equal(("ipv4", "10.1.0.7", "10.1.1.9"), (mapped["network.type"], mapped["network.local.address"], mapped["network.peer.address"]));
    }

    [Fact]
    public void AnswersForOtherRequestsAndErrorsAreToldApart()
    {
        var request = new byte[ConntrackMessages.MaxRequestBytes];
        int length = ConntrackMessages.WriteGet(request, 7, new IPEndPoint(IPAddress.Parse("10.0.0.1"), 1234), new IPEndPoint(IPAddress.Parse("10.0.0.2"), 80));
        Assert.Equal(length, BitConverter.ToInt32(request, 0));
        Assert.Equal(0x0101, BitConverter.ToUInt16(request, 4)); // ctnetlink GET

        // NLMSG_ERROR with -ENOENT for sequence 7, then the same for sequence 8.
        byte[] error = [36, 0, 0, 0, 2, 0, 0, 0, 7, 0, 0, 0, 0, 0, 0, 0, 0xFE, 0xFF, 0xFF, 0xFF, .. new byte[16]];
        Assert.Equal(ConntrackMessages.ReplyKind.Error, ConntrackMessages.ReadReply(error, 7, out _, out int errno));
        Assert.Equal(-2, errno);
        Assert.Equal(ConntrackMessages.ReplyKind.Other, ConntrackMessages.ReadReply(error, 8, out _, out _));
        Assert.Throws<FormatException>(() => ConntrackMessages.ReadReply([200, 0, 0, 0, 2, 0, 0, 0, 7, 0, 0, 0, 0, 0, 0, 0], 7, out _, out _));
    }

    [Fact]
    public void NetnsMustNameANetworkNamespace()
    {
        var link = new FileInfo("/proc/self/ns/net").LinkTarget!; // net:[4026531833]
        Assert.Equal(link[5..^1], NetworkNamespace.InodeOf("/proc/self/ns/net").ToString(CultureInfo.InvariantCulture));
        Assert.Equal("--netns /proc/self/ns/uts is not a network namespace", Assert.Throws<ArgumentException>(() => NetworkNamespace.InodeOf("/proc/self/ns/uts")).Message);
        Assert.StartsWith("--netns /nonexistent cannot be opened", Assert.Throws<ArgumentException>(() => NetworkNamespace.InodeOf("/nonexistent")).Message, StringComparison.Ordinal);
    }

    private static Dictionary<string, string> Attributes(ConnectionAttributes attributes) =>
        attributes.Items.ToDictionary(a => a.Key, a => a.Value.HasIntValue ? a.Value.IntValue.ToString(CultureInfo.InvariantCulture) : a.Value.StringValue);

    // curl in node-a to the virtual IP until the server in node-b answers (it may still be starting): the client's port.
    private static int CurlThroughVirtualIp(TwoNodeNetwork network)
    {
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (true)
        {
            try
            {
                var answer = TwoNodeNetwork.Run("ip", TwoNodeNetwork.In(network.NodeA, "curl", "-sf", "--max-time", "3", "-o", "/dev/null", "-w", "%{local_port}", $"http://{network.VirtualIp}:80/"));
                return int.Parse(answer.Trim(), CultureInfo.InvariantCulture);
            }
            catch (InvalidOperationException) when (DateTime.UtcNow < deadline)
            {
                Thread.Sleep(200);
            }
        }
    }
}
