using System.Net.Http.Json;
using System.Net.Sockets;
using System.Net;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using OtlpGrains.Hosting;
using OtlpGrains.Silo;

namespace OtlpGrains.Agent.Tests;

/// <summary>A real single-node silo with its gateway on free loopback ports, for what the agent exports.</summary>
public sealed class LocalSilo : IAsyncDisposable
{
    private readonly WebApplication _app;

    private LocalSilo(WebApplication app, int grpcPort, int apiPort)
    {
        _app = app;
        GrpcEndpoint = new Uri($"http://127.0.0.1:{grpcPort}");
        Api = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{apiPort}") };
    }

    public Uri GrpcEndpoint { get; }

    public HttpClient Api { get; }

    public static async Task<LocalSilo> StartAsync()
    {
        var ports = LoopbackPorts.Take(5);
        var app = SiloApplication.Build(
        [
            .. LoopbackPorts.SiloArguments(ports, $"agent-{Guid.NewGuid():N}"),
            // A trace completes after this much idleness, and a kept trace's view is its first completion's: under a
            // loaded suite the agent once delivered a trace's second span more than 1 s after its first, and the kept
            // trace had one span of two. 3 s leaves room while keeping the tests quick.
            "--OtlpGrains:Traces:IdleSeconds=3",
            "--Logging:LogLevel:Default=Warning",
        ]);
        await app.StartAsync();
        return new LocalSilo(app, ports[0], ports[2]);
    }

    /// <summary>Polls <c>GET path</c> until <paramref name="check"/> holds or 30 s pass; returns the last answer.</summary>
    public async Task<JsonElement> EventuallyAsync(string path, Func<JsonElement, bool> check, bool allowNotFound = false)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (true)
        {
            using var response = await Api.GetAsync(path);
            if (!allowNotFound)
            {
                response.EnsureSuccessStatusCode();
            }

            var doc = await response.Content.ReadFromJsonAsync<JsonElement>();
            if (check(doc) || DateTime.UtcNow > deadline)
            {
                return doc;
            }

            await Task.Delay(100);
        }
    }

    public async ValueTask DisposeAsync()
    {
        Api.Dispose();
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    /// <summary>The entry of <paramref name="name"/> in a <c>/api/v1/services</c> answer, or null.</summary>
    public static JsonElement? Service(JsonElement services, string name)
    {
        foreach (var s in services.GetProperty("services").EnumerateArray())
        {
            if (s.GetProperty("name").GetString() == name)
            {
                return s;
            }
        }

        return null;
    }

    /// <summary>The edge <paramref name="client"/> -> <paramref name="server"/> in a <c>/api/v1/graph</c> answer, or null.</summary>
    public static JsonElement? Edge(JsonElement graph, string client, string server)
    {
        foreach (var edge in graph.GetProperty("edges").EnumerateArray())
        {
            if (edge.GetProperty("client").GetString() == client && edge.GetProperty("server").GetString() == server)
            {
                return edge;
            }
        }

        return null;
    }

    /// <summary>The operation <paramref name="name"/> in a <c>/api/v1/services/{name}</c> answer, or null.</summary>
    public static JsonElement? Operation(JsonElement detail, string name)
    {
        if (!detail.TryGetProperty("operations", out var operations))
        {
            return null;
        }

        foreach (var o in operations.EnumerateArray())
        {
            if (o.GetProperty("name").GetString() == name)
            {
                return o;
            }
        }

        return null;
    }

    /// <summary>An operation's (requests, errors); (-1, -1) when it is missing.</summary>
    public static (long Requests, long Errors) Counts(JsonElement? operation) =>
        operation is { } o ? (o.GetProperty("requests").GetInt64(), o.GetProperty("errors").GetInt64()) : (-1, -1);

    // Ports from below the kernel's ephemeral range (see LoopbackPorts): a kernel-chosen port could be taken as some
    // outgoing connection's source port before the silo binds it.
    public static int FreePort() => LoopbackPorts.Take(1)[0];
}
