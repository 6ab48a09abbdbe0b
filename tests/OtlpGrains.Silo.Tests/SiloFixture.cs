using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using OtlpGrains.Hosting;
using Xunit;

namespace OtlpGrains.Silo.Tests;

/// <summary>
/// A real silo with its co-hosted gateway, built exactly as <c>dotnet run --project silo</c> builds it, on free
/// loopback ports. Traces complete after 1 s of idleness and only error or slow traces are kept, so tests are
/// deterministic; request halves wait 2 s for their other half, and the workload names refresh twice a second.
/// </summary>
public sealed class SiloFixture : IAsyncLifetime, IAsyncDisposable
{
    private readonly string[] _extraArgs;

    public SiloFixture()
        : this([])
    {
    }

    /// <summary>A silo with extra command-line settings, which win over the defaults below.</summary>
    internal SiloFixture(string[] extraArgs) => _extraArgs = extraArgs;

    public int GrpcPort { get; private set; }

    public int HttpPort { get; private set; }

    public int ApiPort { get; private set; }

    public int GatewayPort { get; private set; }

    public string ClusterId { get; } = "e2e-" + Guid.NewGuid().ToString("N")[..8];

    public WebApplication App { get; private set; } = null!;

    public HttpClient Api { get; private set; } = null!;

    public Uri GrpcEndpoint => new($"http://127.0.0.1:{GrpcPort}");

    public Uri HttpEndpoint => new($"http://127.0.0.1:{HttpPort}");

    public async Task InitializeAsync()
    {
        var ports = LoopbackPorts.Take(5);
        (GrpcPort, HttpPort, ApiPort, GatewayPort) = (ports[0], ports[1], ports[2], ports[4]);
        App = SiloApplication.Build(
        [
            .. LoopbackPorts.SiloArguments(ports, ClusterId),
            "--OtlpGrains:Traces:IdleSeconds=1",
            "--OtlpGrains:Traces:SampleProbability=0",
            "--OtlpGrains:Join:TtlSeconds=2",
            "--OtlpGrains:Workloads:RefreshSeconds=0.5",
            "--Logging:LogLevel:Default=Warning",
            .. _extraArgs,
        ]);
        await App.StartAsync();
        Api = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{ApiPort}") };
    }

    async ValueTask IAsyncDisposable.DisposeAsync() => await DisposeAsync();

    public async Task DisposeAsync()
    {
        Api.Dispose();
        await App.StopAsync();
        await App.DisposeAsync();
    }

    /// <summary>The <c>/api/v1/services</c> entry of a service, or null when it is not listed.</summary>
    public async Task<JsonElement?> ServiceAsync(string name)
    {
        var doc = await Api.GetFromJsonAsync<JsonElement>("/api/v1/services");
        foreach (var service in doc.GetProperty("services").EnumerateArray())
        {
            if (service.GetProperty("name").GetString() == name)
            {
                return service;
            }
        }

        return null;
    }

    /// <summary>
    /// Polls until <paramref name="check"/> holds or 60 s pass; returns the last value for the assertion. The patience
    /// is for a starved machine (30 s ran out once in a full suite on two slow cores); a passing test waits no longer.
    /// </summary>
    public static async Task<T> EventuallyAsync<T>(Func<Task<T>> read, Func<T, bool> check)
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (true)
        {
            var value = await read();
            if (check(value) || DateTime.UtcNow > deadline)
            {
                return value;
            }

            await Task.Delay(100);
        }
    }
}

[CollectionDefinition(Name)]
public sealed class SiloCollection : ICollectionFixture<SiloFixture>
{
    public const string Name = "silo";
}
