using System.Net;
using System.Net.NetworkInformation;
using System.Net.Sockets;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using OtlpGrains.Hosting;
using Xunit;

namespace OtlpGrains.Silo.Tests.Security;

/// <summary>
/// With no keys and no address set, the listeners bind loopback only and start-up says so; with keys they bind every
/// interface; a non-loopback address without keys stops start-up unless AllowAnonymous, which start-up warns about.
/// </summary>
public sealed class ListenDefaultsTests
{
    [Fact]
    public async Task WithoutKeysTheListenersBindLoopbackOnly()
    {
        var ports = LoopbackPorts.Take(5);
        var app = await StartAsync(ports, []);
        try
        {
            Assert.Equal(Addresses("127.0.0.1", ports), BoundAddresses(app));

            // And from another address of this machine, when it has one, nothing answers.
            if (NonLoopbackAddress() is { } address)
            {
                using var probe = new TcpClient();
                await Assert.ThrowsAsync<SocketException>(() => probe.ConnectAsync(address, ports[0]));
            }
        }
        finally
        {
            await app.StopAsync();
            await app.DisposeAsync();
        }
    }

    [Fact]
    public async Task WithKeysTheListenersBindEveryInterface()
    {
        var ports = LoopbackPorts.Take(5);
        var app = await StartAsync(ports, [.. SecuredSilo.KeySettings()]);
        try
        {
            Assert.Equal(Addresses("0.0.0.0", ports), BoundAddresses(app));
        }
        finally
        {
            await app.StopAsync();
            await app.DisposeAsync();
        }
    }

    [Theory]
    [InlineData("--OtlpGrains:Otlp:ListenAddress=0.0.0.0", "OtlpGrains:Otlp:ListenAddress is 0.0.0.0, which other hosts can reach, and OtlpGrains:Security:Keys is empty")]
    [InlineData("--OtlpGrains:Api:ListenAddress=0.0.0.0", "OtlpGrains:Api:ListenAddress is 0.0.0.0, which other hosts can reach, and OtlpGrains:Security:Keys is empty")]
    public async Task ANonLoopbackAddressWithoutKeysStopsStartup(string setting, string expected)
    {
        var (exit, lines) = await SiloStartAttempt.RunAsync(setting);

        Assert.Equal(HostRunner.ConfigurationError, exit);
        var line = Assert.Single(lines);
        Assert.Equal($"configuration error: {expected}: configure keys, or set OtlpGrains:Security:AllowAnonymous=true to let anyone who reaches it write and read", line);
    }

    [Fact]
    public async Task TheDefaultStartSaysItListensOnLoopbackOnly()
    {
        // An empty address is an unset one: the silo process picks its default, as `dotnet run --project silo` does.
        await using var silo = SiloProcess.StartInMemory(LoopbackPorts.Take(5), new Dictionary<string, string>
        {
            ["OtlpGrains__Otlp__ListenAddress"] = string.Empty,
            ["OtlpGrains__Api__ListenAddress"] = string.Empty,
        });
        await silo.WaitReadyAsync(TimeSpan.FromSeconds(60));
        await silo.StopAsync(TimeSpan.FromSeconds(30));

        Assert.Contains("Security   no API keys: OTLP and the API listen on loopback only", silo.Output, StringComparison.Ordinal);
        Assert.Contains($"OTLP/gRPC  on http://127.0.0.1:{silo.GrpcPort}", silo.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("anonymous", silo.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AllowAnonymousStartsOnEveryInterfaceWithAWarning()
    {
        await using var silo = SiloProcess.StartInMemory(LoopbackPorts.Take(5), new Dictionary<string, string>
        {
            ["OtlpGrains__Otlp__ListenAddress"] = "0.0.0.0",
            ["OtlpGrains__Api__ListenAddress"] = "0.0.0.0",
            ["OtlpGrains__Security__AllowAnonymous"] = "true",
        });
        await silo.WaitReadyAsync(TimeSpan.FromSeconds(60));
        await silo.StopAsync(TimeSpan.FromSeconds(30));

        var warning = Assert.Single(silo.Output.Split('\n'), l => l.Contains("Security   anonymous", StringComparison.Ordinal));
        Assert.Contains("warn", warning, StringComparison.Ordinal);
        Assert.Contains("OTLP on 0.0.0.0 or the API on 0.0.0.0", warning, StringComparison.Ordinal);
    }

    private static async Task<WebApplication> StartAsync(int[] ports, string[] settings)
    {
        var app = SiloApplication.Build(
        [
            $"--OtlpGrains:Otlp:GrpcPort={ports[0]}",
            $"--OtlpGrains:Otlp:HttpPort={ports[1]}",
            $"--OtlpGrains:Api:Port={ports[2]}",
            $"--OtlpGrains:Cluster:SiloPort={ports[3]}",
            $"--OtlpGrains:Cluster:GatewayPort={ports[4]}",
            $"--OtlpGrains:Cluster:ClusterId=listen-{Guid.NewGuid():N}",
            "--Logging:LogLevel:Default=Warning",
            .. settings,
        ]);
        await app.StartAsync();
        return app;
    }

    /// <summary>The OTLP/gRPC, OTLP/HTTP and API listeners on <paramref name="address"/>, in order.</summary>
    private static string[] Addresses(string address, int[] ports) =>
        [.. ports.Take(3).Select(p => $"http://{address}:{p}").Order(StringComparer.Ordinal)];

    private static string[] BoundAddresses(WebApplication app) =>
        [.. app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Order(StringComparer.Ordinal)];

    private static IPAddress? NonLoopbackAddress() => NetworkInterface.GetAllNetworkInterfaces()
        .Where(n => n.OperationalStatus == OperationalStatus.Up)
        .SelectMany(n => n.GetIPProperties().UnicastAddresses)
        .Select(a => a.Address)
        .FirstOrDefault(a => a.AddressFamily == AddressFamily.InterNetwork && !IPAddress.IsLoopback(a));
}
