using Grpc.Core;
using Microsoft.Extensions.Options;
using OpenTelemetry.Proto.Collector.Logs.V1;
using OtlpGrains.Gateway.Hosting;
using OtlpGrains.Gateway.Ingest;

namespace OtlpGrains.Gateway.Receivers;

/// <summary>OTLP/gRPC <c>LogsService.Export</c>.</summary>
internal sealed class LogsServiceReceiver(IngestPipeline pipeline, IOptions<OtlpReceiverOptions> options) : LogsService.LogsServiceBase
{
    public override async Task<ExportLogsServiceResponse> Export(ExportLogsServiceRequest request, ServerCallContext context)
    {
        var outcome = await pipeline.IngestLogsAsync(request, context.CancellationToken);
        GrpcOutcome.ThrowIfRefused(outcome, context, options.Value.RetryAfterSeconds);
        return OtlpResponses.Logs(outcome);
    }
}
