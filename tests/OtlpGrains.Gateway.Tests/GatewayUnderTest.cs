using System.Diagnostics.Metrics;
using System.Text;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using OtlpGrains.Gateway.Configuration;
using OtlpGrains.Gateway.Api;
using OtlpGrains.Gateway.Hosting;
using OtlpGrains.Gateway.Ingest;
using OtlpGrains.Gateway.Receivers;

namespace OtlpGrains.Gateway.Tests;

/// <summary>The gateway's ingest path wired as the host wires it, over a <see cref="FakeGrainFactory"/>.</summary>
internal sealed class GatewayUnderTest
{
    public const int RetryAfterSeconds = 7;

    public GatewayUnderTest(int maxInFlightItems = 65_536, int grainTimeoutSeconds = 30, TimeProvider? time = null)
    {
        var options = Options.Create(new OtlpReceiverOptions
        {
            MaxInFlightItems = maxInFlightItems,
            GrainTimeoutSeconds = grainTimeoutSeconds,
            RetryAfterSeconds = RetryAfterSeconds,
        });
        Limiter = new InFlightLimiter(maxInFlightItems);
        Meters = new ServiceCollection().AddMetrics().BuildServiceProvider().GetRequiredService<IMeterFactory>();
        Metrics = new GatewayMeterReader(Meters);
        // Listening before the instruments exist, as the host does, so that their starting zeros are seen.
        Exposition = new PrometheusExposition(Meters, new ServiceDirectory(Grains), NullLogger<PrometheusExposition>.Instance);
        Instruments = new GatewayInstruments(Meters, Limiter);
        Pipeline = new IngestPipeline(Grains, new ServiceAdmission(Grains), Limiter, Instruments, time ?? TimeProvider.System, options, NullLogger<IngestPipeline>.Instance);
        Http = new OtlpHttpReceiver(Pipeline, options);
        Grpc = new OtlpGrpcReceiver(Pipeline, options);
    }

    public FakeGrainFactory Grains { get; } = new();

    public InFlightLimiter Limiter { get; }

    /// <summary>This gateway's own meter factory, as a host has one.</summary>
    public IMeterFactory Meters { get; }

    public GatewayInstruments Instruments { get; }

    /// <summary>The counters read back from the meter.</summary>
    public GatewayMeterReader Metrics { get; }

    /// <summary>What <c>/metrics</c> would serve for this gateway.</summary>
    public PrometheusExposition Exposition { get; }

    public IngestPipeline Pipeline { get; }

    public OtlpHttpReceiver Http { get; }

    public OtlpGrpcReceiver Grpc { get; }

    /// <summary>The <c>/metrics</c> page in the Prometheus text format.</summary>
    public async Task<string> ScrapeAsync()
    {
        using var text = new MemoryStream();
        await Exposition.Registry.CollectAndExportAsTextAsync(text);
        return Encoding.UTF8.GetString(text.ToArray());
    }
}
