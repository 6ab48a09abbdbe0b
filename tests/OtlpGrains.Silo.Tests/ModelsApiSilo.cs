using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using OtlpGrains.Gateway.Hosting;
using OtlpGrains.Hosting;
using OtlpGrains.Models.Artifacts;
using OtlpGrains.TestSupport;
using Xunit;

namespace OtlpGrains.Silo.Tests;

/// <summary>
/// A real silo with its co-hosted gateway, built as <see cref="SiloApplication"/> builds it, plus the test-only
/// <c>test-constant</c> codec (no detector kind ships yet) and a 64 KiB artifact limit so an oversize upload is small.
/// </summary>
public sealed class ModelsApiSilo : IAsyncLifetime, IAsyncDisposable
{
    public const long MaxArtifactBytes = 64 * 1024;

    private readonly string[] _extraArgs;

    public ModelsApiSilo()
        : this([])
    {
    }

    /// <summary>A silo with extra command-line settings (durable mode, a fixed cluster id).</summary>
    internal ModelsApiSilo(string[] extraArgs) => _extraArgs = extraArgs;

    public WebApplication App { get; private set; } = null!;

    public HttpClient Api { get; private set; } = null!;

    /// <summary>The OTLP/HTTP receiver, for tests that feed spans.</summary>
    public Uri OtlpHttp { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        var ports = LoopbackPorts.Take(5);
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions
        {
            ContentRootPath = AppContext.BaseDirectory,
            Args =
            [
                .. LoopbackPorts.SiloArguments(ports, "models-" + Guid.NewGuid().ToString("N")[..8]),
                $"--OtlpGrains:Models:MaxArtifactBytes={MaxArtifactBytes}",
                "--Logging:LogLevel:Default=Warning",
                .. _extraArgs,
            ],
        });
        builder.AddOtlpGrainsLogging();
        builder.AddOtlpGrainsSilo();
        builder.AddOtlpGateway();
        builder.Services.AddSingleton<IModelCodec, TestConstantCodec>();
        App = builder.Build();
        App.MapOtlpGateway();
        await App.StartAsync();
        Api = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{ports[2]}") };
        OtlpHttp = new Uri($"http://127.0.0.1:{ports[1]}");
    }

    async ValueTask IAsyncDisposable.DisposeAsync() => await DisposeAsync();

    public async Task DisposeAsync()
    {
        Api.Dispose();
        await App.StopAsync();
        await App.DisposeAsync();
    }
}
