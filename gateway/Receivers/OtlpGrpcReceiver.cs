using Grpc.Core;
using Microsoft.Extensions.Options;
using OpenTelemetry.Proto.Collector.Logs.V1;
using OpenTelemetry.Proto.Collector.Metrics.V1;
using OpenTelemetry.Proto.Collector.Trace.V1;
using OtlpGrains.Gateway.Configuration;
using OtlpGrains.Gateway.Ingest;

namespace OtlpGrains.Gateway.Receivers;

/// <summary>
/// OTLP/gRPC: <c>TraceService</c>, <c>MetricsService</c> and <c>LogsService</c> <c>Export</c>. Bound by
/// <see cref="OtlpGrpcMethodProvider"/> rather than the generated service bases, so that a request that is not valid
/// protobuf gets INVALID_ARGUMENT (the generated binding answers UNKNOWN).
/// </summary>
internal sealed class OtlpGrpcReceiver(IngestPipeline pipeline, IOptions<OtlpReceiverOptions> options)
{
    public async Task<ExportTraceServiceResponse> ExportTracesAsync(ExportTraceServiceRequest request, ServerCallContext context, Guid? batchId = null)
    {
        var outcome = await pipeline.IngestTracesAsync(request, batchId ?? BatchIds.Of(request), context.CancellationToken);
        GrpcOutcome.ThrowIfRefused(outcome, context, options.Value.RetryAfterSeconds);
        return OtlpResponses.Traces(outcome);
    }

    public async Task<ExportMetricsServiceResponse> ExportMetricsAsync(ExportMetricsServiceRequest request, ServerCallContext context, Guid? batchId = null)
    {
        var outcome = await pipeline.IngestMetricsAsync(request, batchId ?? BatchIds.Of(request), context.CancellationToken);
        GrpcOutcome.ThrowIfRefused(outcome, context, options.Value.RetryAfterSeconds);
        return OtlpResponses.Metrics(outcome);
    }

    public async Task<ExportLogsServiceResponse> ExportLogsAsync(ExportLogsServiceRequest request, ServerCallContext context, Guid? batchId = null)
    {
        var outcome = await pipeline.IngestLogsAsync(request, batchId ?? BatchIds.Of(request), context.CancellationToken);
        GrpcOutcome.ThrowIfRefused(outcome, context, options.Value.RetryAfterSeconds);
        return OtlpResponses.Logs(outcome);
    }
}
