using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Text.Json;
using OtlpGrains.Hosting;
using OtlpGrains.Silo.Tests.Faults;
using OtlpGrains.Silo.Tests.Security;
using Xunit;

namespace OtlpGrains.Silo.Tests.Federation;

/// <summary>
/// OtlpGrains clusters on one machine (two for the shared fixture, any number for a test's own), each every other's
/// federation peer: one silo process per cluster in memory mode with its own cluster and service ids, ports and API
/// keys. Each cluster has a collector key (ingest), a reader key (read) and a key for its peers (read); a peer presents
/// the key the other cluster gave it. One cluster may run in a network namespace of its own, so that a test can cut
/// its link (<see cref="CutAsync"/>).
/// </summary>
public sealed class FederatedClusters : IAsyncLifetime
{
    /// <summary>Each peer's deadline: the bound a federated answer must come back within, plus slack.</summary>
    public static readonly TimeSpan PeerTimeout = TimeSpan.FromSeconds(2);

    private static readonly TimeSpan Ready = TimeSpan.FromSeconds(90);

    private readonly SiloProcess?[] _silos;
    private readonly int? _isolated;
    private SiloNetwork? _network;

    /// <summary>Two clusters, a and b, with the quick timing of <see cref="FederationTiming.Quick"/>.</summary>
    public FederatedClusters()
        : this(2, FederationTiming.Quick, isolated: null)
    {
    }

    /// <summary>
    /// <paramref name="count"/> clusters named a, b, c, ...; cluster <paramref name="isolated"/> (when set) runs in a
    /// network namespace of its own, joined to the host by a veth pair, and the others listen on every address so
    /// that it can reach them.
    /// </summary>
    internal FederatedClusters(int count, FederationTiming timing, int? isolated)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(count, 2);
        Timing = timing;
        _isolated = isolated;
        All = [.. Enumerable.Range(0, count).Select(i => new Cluster(((char)('a' + i)).ToString(), LoopbackPorts.Take(5)))];
        _silos = new SiloProcess?[count];
    }

    public IReadOnlyList<Cluster> All { get; }

    public FederationTiming Timing { get; }

    public Cluster A => All[0];

    public Cluster B => All[1];

    internal SiloProcess SiloA => Silo(0);

    internal SiloProcess SiloB => Silo(1);

    internal SiloProcess Silo(int index) => _silos[index] ?? throw new InvalidOperationException($"cluster {All[index].Name} is not running");

    public async Task InitializeAsync()
    {
        try
        {
            if (_isolated is { } isolated)
            {
                _network = await SiloNetwork.CreateAsync();
                await _network.AddNamespaceAsync(isolated);
                All[isolated].Address = _network.Address(isolated);
            }

            for (var i = 0; i < All.Count; i++)
            {
                _silos[i] = Launch(i);
            }

            await Task.WhenAll(_silos.Select(s => s!.WaitReadyAsync(Ready)));
        }
        catch
        {
            // A fixture that fails to start leaves no process or namespace behind.
            await DisposeAsync();
            throw;
        }
    }

    public async Task DisposeAsync()
    {
        // Every silo goes, and the namespace after them, even when one of them fails to go; twice is harmless.
        try
        {
            for (var i = 0; i < _silos.Length; i++)
            {
                if (_silos[i] is { } silo)
                {
                    _silos[i] = null;
                    await silo.DisposeAsync();
                }
            }
        }
        finally
        {
            if (_network is { } network)
            {
                _network = null;
                await network.DisposeAsync();
            }
        }
    }

    /// <summary>Stops B at once (SIGKILL), as a crashed cluster or a cut link looks to A.</summary>
    public Task KillBAsync() => Silo(1).KillAsync();

    /// <summary>Freezes B (SIGSTOP) or lets it run on (SIGCONT): a peer that accepts connections and never answers.</summary>
    public Task FreezeBAsync(bool freeze) => Silo(1).SignalAsync(freeze);

    /// <summary>Starts B again on its ports with its settings (its memory state starts empty).</summary>
    public Task RestartBAsync() => RestartAsync(1);

    /// <summary>Stops cluster <paramref name="index"/> at once (SIGKILL).</summary>
    public Task KillAsync(int index) => Silo(index).KillAsync();

    /// <summary>Starts cluster <paramref name="index"/> again on its ports with its settings (its memory state starts empty).</summary>
    public async Task RestartAsync(int index)
    {
        var old = Silo(index);
        _silos[index] = null;
        await old.DisposeAsync();
        _silos[index] = Launch(index);
        await Silo(index).WaitReadyAsync(Ready);
    }

    /// <summary>
    /// Cuts the isolated cluster's link: the host side of its veth pair goes down, so that packets either way are lost
    /// without a reset, as in a real partition (calls in flight run to their deadline; nothing is refused).
    /// </summary>
    public Task CutAsync() => Network().CutAsync(_isolated!.Value);

    /// <summary>Brings the isolated cluster's link up again.</summary>
    public Task HealAsync() => Network().HealAsync(_isolated!.Value);

    /// <summary>
    /// A third silo, C, whose one peer is B presented with <paramref name="keyForB"/>; no keys of its own (loopback).
    /// </summary>
    internal async Task<(SiloProcess Silo, Cluster Cluster)> StartCAsync(string keyForB)
    {
        var c = new Cluster("c", LoopbackPorts.Take(5));
        var settings = Settings(c, [(B, keyForB)]);
        foreach (var key in settings.Keys.Where(k => k.StartsWith("OtlpGrains__Security__Keys", StringComparison.Ordinal)).ToArray())
        {
            settings.Remove(key);
        }

        var silo = SiloProcess.StartInMemory(c.Ports, settings);
        await silo.WaitReadyAsync(Ready);
        return (silo, c);
    }

    private SiloNetwork Network() => _network ?? throw new InvalidOperationException("no cluster of these runs in a network namespace");

    private SiloProcess Launch(int index)
    {
        var self = All[index];
        var settings = Settings(self, [.. All.Where(p => p != self).Select(p => (p, p.Secrets["peer"]))]);
        if (_network is null)
        {
            return SiloProcess.StartInMemory(self.Ports, settings);
        }

        if (index == _isolated)
        {
            return SiloProcess.StartInMemoryInNamespace(self.Ports, settings, _network.Namespace(index), self.Address);
        }

        // The isolated cluster reaches the others at the host's bridge address: they listen on every address (their
        // keys allow it) and are still reached at loopback by the test and by each other.
        settings["OtlpGrains__Otlp__ListenAddress"] = "0.0.0.0";
        settings["OtlpGrains__Api__ListenAddress"] = "0.0.0.0";
        return SiloProcess.StartInMemory(self.Ports, settings);
    }

    /// <summary>Where <paramref name="self"/> reaches <paramref name="peer"/>'s federation endpoint.</summary>
    private string Endpoint(Cluster self, Cluster peer) =>
        self.Address != Cluster.Loopback && peer.Address == Cluster.Loopback
            ? $"http://{_network!.HostAddress}:{peer.Ports[0]}"
            : $"http://{peer.Address}:{peer.Ports[0]}";

    private Dictionary<string, string> Settings(Cluster self, (Cluster Peer, string Key)[] peers)
    {
        var settings = new Dictionary<string, string>
        {
            ["OtlpGrains__Cluster__ClusterId"] = self.ClusterId,
            ["OtlpGrains__Cluster__ServiceId"] = self.ClusterId,
            ["OtlpGrains__Federation__ClusterName"] = self.Name,
            ["OtlpGrains__Federation__PeerTimeoutSeconds"] = Timing.PeerTimeoutSeconds.ToString(CultureInfo.InvariantCulture),
            ["OtlpGrains__Federation__SummaryIntervalSeconds"] = Timing.SummaryIntervalSeconds.ToString(CultureInfo.InvariantCulture),
            ["OtlpGrains__Federation__MaxBackoffSeconds"] = Timing.MaxBackoffSeconds.ToString(CultureInfo.InvariantCulture),
            // Every complete trace is kept, so that each cluster keeps its part of a trace that crosses them.
            ["OtlpGrains__Traces__SampleProbability"] = "1",
            ["Logging__LogLevel__Default"] = "Warning",
        };
        for (var i = 0; i < peers.Length; i++)
        {
            var (peer, key) = peers[i];
            settings[$"OtlpGrains__Federation__Peers__{i}__Name"] = peer.Name;
            settings[$"OtlpGrains__Federation__Peers__{i}__Endpoint"] = Endpoint(self, peer);
            settings[$"OtlpGrains__Federation__Peers__{i}__ApiKey"] = key;
        }

        var keys = new[] { ("collector", "ingest"), ("reader", "read"), ("peer", "read") };
        for (var i = 0; i < keys.Length; i++)
        {
            var (name, role) = keys[i];
            settings[$"OtlpGrains__Security__Keys__{i}__Name"] = name;
            settings[$"OtlpGrains__Security__Keys__{i}__Hash"] = SecuredSilo.Hash(self.Secrets[name]);
            settings[$"OtlpGrains__Security__Keys__{i}__Roles__0"] = role;
        }

        return settings;
    }

    /// <summary>One cluster's name, ports (OTLP gRPC, OTLP HTTP, API, silo, gateway), ids and key secrets.</summary>
    public sealed class Cluster(string name, int[] ports)
    {
        public const string Loopback = "127.0.0.1";

        public string Name { get; } = name;

        /// <summary>Where the test reaches it: loopback, or its own address in its network namespace.</summary>
        public string Address { get; internal set; } = Loopback;

        public int[] Ports { get; } = ports;

        public string ClusterId { get; } = $"fed-{name}-{Guid.NewGuid():N}"[..16];

        public IReadOnlyDictionary<string, string> Secrets { get; } = new Dictionary<string, string>
        {
            ["collector"] = SecuredSilo.Secret(),
            ["reader"] = SecuredSilo.Secret(),
            ["peer"] = SecuredSilo.Secret(),
        };

        public Uri OtlpGrpc => new($"http://{Address}:{Ports[0]}");

        /// <summary>An API client presenting the reader key (or none, when <paramref name="anonymous"/>).</summary>
        public HttpClient Api(bool anonymous = false)
        {
            var client = new HttpClient { BaseAddress = new Uri($"http://{Address}:{Ports[2]}"), Timeout = TimeSpan.FromSeconds(20) };
            if (!anonymous)
            {
                client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", Secrets["reader"]);
            }

            return client;
        }

        /// <summary>GETs <paramref name="path"/> and returns the status, the JSON body and how long the answer took.</summary>
        public async Task<(int Status, JsonElement Body, TimeSpan Took)> GetAsync(string path, bool anonymous = false)
        {
            using var client = Api(anonymous);
            var watch = Stopwatch.StartNew();
            using var response = await client.GetAsync(new Uri(path, UriKind.Relative));
            var text = await response.Content.ReadAsStringAsync();
            watch.Stop();
            using var doc = JsonDocument.Parse(text);
            return ((int)response.StatusCode, doc.RootElement.Clone(), watch.Elapsed);
        }
    }
}

[CollectionDefinition(Name)]
public sealed class FederatedClustersCollection : ICollectionFixture<FederatedClusters>
{
    public const string Name = "federated clusters";
}
