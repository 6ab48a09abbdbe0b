using Grpc.Core;
using Microsoft.Extensions.Options;
using OpenTelemetry.Proto.Collector.Metrics.V1;
using OtlpGrains.Gateway.Hosting;
using OtlpGrains.Gateway.Ingest;

namespace OtlpGrains.Gateway.Receivers;

/// <summary>OTLP/gRPC <c>MetricsService.Export</c>.</summary>
internal sealed class MetricsServiceReceiver(IngestPipeline pipeline, IOptions<OtlpReceiverOptions> options) : MetricsService.MetricsServiceBase
{
    public override async Task<ExportMetricsServiceResponse> Export(ExportMetricsServiceRequest request, ServerCallContext context)
    {
        var outcome = await pipeline.IngestMetricsAsync(request, context.CancellationToken);
        GrpcOutcome.ThrowIfRefused(outcome, context, options.Value.RetryAfterSeconds);
        return OtlpResponses.Metrics(outcome);
    }
}
