using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Text.Json;
using OtlpGrains.Hosting;
using OtlpGrains.Silo.Tests.Security;
using Xunit;

namespace OtlpGrains.Silo.Tests.Federation;

/// <summary>
/// Two OtlpGrains clusters on one machine, each the other's federation peer: two silo processes in memory mode with
/// their own cluster and service ids, ports and API keys. Each cluster has a collector key (ingest), a reader key
/// (read) and a key for its peer (read); a peer presents the key the other cluster gave it.
/// </summary>
public sealed class FederatedClusters : IAsyncLifetime
{
    /// <summary>Each peer's deadline: the bound a federated answer must come back within, plus slack.</summary>
    public static readonly TimeSpan PeerTimeout = TimeSpan.FromSeconds(2);

    private static readonly TimeSpan Ready = TimeSpan.FromSeconds(90);

    public FederatedClusters()
    {
        A = new Cluster("a", LoopbackPorts.Take(5));
        B = new Cluster("b", LoopbackPorts.Take(5));
    }

    public Cluster A { get; }

    public Cluster B { get; }

    internal SiloProcess SiloA { get; private set; } = null!;

    internal SiloProcess SiloB { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        SiloA = SiloProcess.StartInMemory(A.Ports, Settings(A, B, B.Secrets["peer"]));
        SiloB = SiloProcess.StartInMemory(B.Ports, Settings(B, A, A.Secrets["peer"]));
        await Task.WhenAll(SiloA.WaitReadyAsync(Ready), SiloB.WaitReadyAsync(Ready));
    }

    public async Task DisposeAsync()
    {
        await SiloA.DisposeAsync();
        await SiloB.DisposeAsync();
    }

    /// <summary>Stops B at once (SIGKILL), as a crashed cluster or a cut link looks to A.</summary>
    public Task KillBAsync() => SiloB.KillAsync();

    /// <summary>Freezes B (SIGSTOP) or lets it run on (SIGCONT): a peer that accepts connections and never answers.</summary>
    public Task FreezeBAsync(bool freeze) => SiloB.SignalAsync(freeze);

    /// <summary>Starts B again on its ports with its settings (its memory state starts empty).</summary>
    public async Task RestartBAsync()
    {
        await SiloB.DisposeAsync();
        SiloB = SiloProcess.StartInMemory(B.Ports, Settings(B, A, A.Secrets["peer"]));
        await SiloB.WaitReadyAsync(Ready);
    }

    /// <summary>
    /// A third silo, C, whose one peer is B presented with <paramref name="keyForB"/>; no keys of its own (loopback).
    /// </summary>
    internal async Task<(SiloProcess Silo, Cluster Cluster)> StartCAsync(string keyForB)
    {
        var c = new Cluster("c", LoopbackPorts.Take(5));
        var settings = Settings(c, B, keyForB);
        foreach (var key in settings.Keys.Where(k => k.StartsWith("OtlpGrains__Security__Keys", StringComparison.Ordinal)).ToArray())
        {
            settings.Remove(key);
        }

        var silo = SiloProcess.StartInMemory(c.Ports, settings);
        await silo.WaitReadyAsync(Ready);
        return (silo, c);
    }

    private static Dictionary<string, string> Settings(Cluster self, Cluster peer, string keyForPeer)
    {
        var settings = new Dictionary<string, string>
        {
            ["OtlpGrains__Cluster__ClusterId"] = self.ClusterId,
            ["OtlpGrains__Cluster__ServiceId"] = self.ClusterId,
            ["OtlpGrains__Federation__ClusterName"] = self.Name,
            ["OtlpGrains__Federation__PeerTimeoutSeconds"] = PeerTimeout.TotalSeconds.ToString(CultureInfo.InvariantCulture),
            ["OtlpGrains__Federation__SummaryIntervalSeconds"] = "0.5",
            ["OtlpGrains__Federation__MaxBackoffSeconds"] = "2",
            ["OtlpGrains__Federation__Peers__0__Name"] = peer.Name,
            ["OtlpGrains__Federation__Peers__0__Endpoint"] = $"http://127.0.0.1:{peer.Ports[0]}",
            ["OtlpGrains__Federation__Peers__0__ApiKey"] = keyForPeer,
            // Every complete trace is kept, so that each cluster keeps its half of a trace that crosses them.
            ["OtlpGrains__Traces__SampleProbability"] = "1",
            ["Logging__LogLevel__Default"] = "Warning",
        };
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
        public string Name { get; } = name;

        public int[] Ports { get; } = ports;

        public string ClusterId { get; } = $"fed-{name}-{Guid.NewGuid():N}"[..16];

        public IReadOnlyDictionary<string, string> Secrets { get; } = new Dictionary<string, string>
        {
            ["collector"] = SecuredSilo.Secret(),
            ["reader"] = SecuredSilo.Secret(),
            ["peer"] = SecuredSilo.Secret(),
        };

        public Uri OtlpGrpc => new($"http://127.0.0.1:{Ports[0]}");

        /// <summary>An API client presenting the reader key (or none, when <paramref name="anonymous"/>).</summary>
        public HttpClient Api(bool anonymous = false)
        {
            var client = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{Ports[2]}"), Timeout = TimeSpan.FromSeconds(20) };
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
