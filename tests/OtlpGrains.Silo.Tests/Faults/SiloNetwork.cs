using System.Globalization;
using OtlpGrains.TestSupport;

namespace OtlpGrains.Silo.Tests.Faults;

/// <summary>
/// A network for silos that can be partitioned: a bridge in the host's namespace holding <see cref="HostAddress"/>
/// (where PostgreSQL and the test's senders are), and one network namespace per silo joined to it by a veth pair.
/// Taking a silo's host-side link down cuts it off from everything (the other silos, the database, the senders)
/// without closing a socket, as a real partition does; bringing it up heals it. Needs root (<c>ip</c> from iproute2).
/// </summary>
internal sealed class SiloNetwork : IAsyncDisposable
{
    private readonly string _id = Guid.NewGuid().ToString("N")[..5];
    private readonly int _subnet = Random.Shared.Next(1, 250);
    private readonly List<int> _namespaces = [];

    private SiloNetwork()
    {
    }

    /// <summary>The addresses <see cref="PostgresOnSiloNetworkFixture"/> lets in: every subnet a test may pick.</summary>
    public const string Networks = "10.231.0.0/16";

    /// <summary>The host's address on the bridge.</summary>
    public string HostAddress => $"10.231.{_subnet}.1";

    private string Bridge => $"ogbr{_id}";

    public static async Task<SiloNetwork> CreateAsync()
    {
        if (!PostgresFixture.RunsAsRoot)
        {
            throw new InvalidOperationException("the partition test creates network namespaces and must run as root (as CI runs `bash tests/run.sh`)");
        }

        var network = new SiloNetwork();
        try
        {
            await IpAsync("link", "add", network.Bridge, "type", "bridge");
            await IpAsync("addr", "add", $"{network.HostAddress}/24", "dev", network.Bridge);
            await IpAsync("link", "set", network.Bridge, "up");
        }
        catch
        {
            await network.DisposeAsync();
            throw;
        }

        return network;
    }

    /// <summary>Creates the namespace of silo <paramref name="index"/> and joins it to the bridge.</summary>
    public async Task AddNamespaceAsync(int index)
    {
        var name = Namespace(index);
        _namespaces.Add(index);
        var inside = $"og{_id}n{index}";
        await IpAsync("netns", "add", name);
        await IpAsync("link", "add", HostLink(index), "type", "veth", "peer", "name", inside);
        await IpAsync("link", "set", inside, "netns", name);
        await IpAsync("link", "set", HostLink(index), "master", Bridge);
        await IpAsync("link", "set", HostLink(index), "up");
        await IpAsync("netns", "exec", name, "ip", "addr", "add", $"{Address(index)}/24", "dev", inside);
        await IpAsync("netns", "exec", name, "ip", "link", "set", inside, "up");
        await IpAsync("netns", "exec", name, "ip", "link", "set", "lo", "up");
    }

    /// <summary>The address of silo <paramref name="index"/> in its namespace.</summary>
    public string Address(int index) => string.Create(CultureInfo.InvariantCulture, $"10.231.{_subnet}.{10 + index}");

    /// <summary>Cuts silo <paramref name="index"/> off: its link to the bridge goes down.</summary>
    public Task CutAsync(int index) => IpAsync("link", "set", HostLink(index), "down");

    /// <summary>Joins silo <paramref name="index"/> again.</summary>
    public Task HealAsync(int index) => IpAsync("link", "set", HostLink(index), "up");

    public async ValueTask DisposeAsync()
    {
        // Deleting a namespace deletes the veth inside it and so its host-side peer.
        foreach (var index in _namespaces)
        {
            await TryAsync("netns", "delete", Namespace(index));
        }

        await TryAsync("link", "delete", Bridge);
    }

    /// <summary>The name of silo <paramref name="index"/>'s namespace (<see cref="AddNamespaceAsync"/>).</summary>
    public string Namespace(int index) => $"og{_id}s{index}";

    private string HostLink(int index) => $"og{_id}h{index}";

    private static async Task IpAsync(params string[] arguments) => await PostgresFixture.RunAsync("ip", arguments, asPostgres: false);

    private static async Task TryAsync(params string[] arguments)
    {
        try
        {
            await IpAsync(arguments);
        }
        catch (InvalidOperationException)
        {
            // Gone already; cleanup goes on with the rest.
        }
    }
}
