using System.Globalization;
using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace OtlpGrains.Agent.Peers;

/// <summary>A Kestrel gRPC server on an HTTP/2-only cleartext endpoint (h2c with prior knowledge).</summary>
internal static class GrpcServer
{
    public static async Task RunAsync(int port, IPAddress? bind = null)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(kestrel =>
            kestrel.Listen(bind ?? IPAddress.Loopback, port, listen => listen.Protocols = HttpProtocols.Http2));
        builder.Services.AddGrpc();
        await using var app = builder.Build();
        app.MapGrpcService<GreeterService>();
        await app.StartAsync();

        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        // The test reads this line to know the server accepts connections.
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"listening {new Uri(address).Port}"));
        await app.WaitForShutdownAsync();
    }
}
