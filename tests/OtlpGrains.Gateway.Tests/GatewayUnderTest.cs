using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using OtlpGrains.Gateway.Configuration;
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
        Instruments = new GatewayInstruments(Limiter);
        Pipeline = new IngestPipeline(Grains, Limiter, Instruments, time ?? TimeProvider.System, options, NullLogger<IngestPipeline>.Instance);
        Http = new OtlpHttpReceiver(Pipeline, options);
        Grpc = new OtlpGrpcReceiver(Pipeline, options);
    }

    public FakeGrainFactory Grains { get; } = new();

    public InFlightLimiter Limiter { get; }

    public GatewayInstruments Instruments { get; }

    public IngestPipeline Pipeline { get; }

    public OtlpHttpReceiver Http { get; }

    public OtlpGrpcReceiver Grpc { get; }
}
