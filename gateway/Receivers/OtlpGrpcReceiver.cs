using Grpc.Core;
using Microsoft.Extensions.Options;
using OpenTelemetry.Proto.Collector.Logs.V1;
using OpenTelemetry.Proto.Collector.Metrics.V1;
using OpenTelemetry.Proto.Collector.Trace.V1;
using OtlpGrains.Gateway.Configuration;
using OtlpGrains.Gateway.Ingest;
using OtlpGrains.Gateway.Security;
using OtlpGrains.Interfaces;

namespace OtlpGrains.Gateway.Receivers;

/// <summary>
/// OTLP/gRPC: <c>TraceService</c>, <c>MetricsService</c> and <c>LogsService</c> <c>Export</c>. Bound by
/// <see cref="OtlpGrpcMethodProvider"/> rather than the generated service bases: its marshallers read the request
/// bytes straight into plans, and a request that is not valid protobuf gets INVALID_ARGUMENT (the generated binding
/// answers UNKNOWN).
/// </summary>
internal sealed class OtlpGrpcReceiver(IngestPipeline pipeline, IOptions<OtlpReceiverOptions> options)
{
    public async Task<ExportTraceServiceResponse> ExportTracesAsync(TraceIngestPlan request, ServerCallContext context)
    {
        var outcome = await pipeline.IngestTracesAsync(request, context.CancellationToken, RequestKey.NameOf(context));
        GrpcOutcome.ThrowIfRefused(outcome, options.Value.RetryAfterSeconds);
        return OtlpResponses.Traces(outcome);
    }

    public async Task<ExportMetricsServiceResponse> ExportMetricsAsync(SignalIngestPlan<ServiceMetricBatch> request, ServerCallContext context)
    {
        var outcome = await pipeline.IngestMetricsAsync(request, context.CancellationToken, RequestKey.NameOf(context));
        GrpcOutcome.ThrowIfRefused(outcome, options.Value.RetryAfterSeconds);
        return OtlpResponses.Metrics(outcome);
    }

    public async Task<ExportLogsServiceResponse> ExportLogsAsync(SignalIngestPlan<ServiceLogBatch> request, ServerCallContext context)
    {
        var outcome = await pipeline.IngestLogsAsync(request, context.CancellationToken, RequestKey.NameOf(context));
        GrpcOutcome.ThrowIfRefused(outcome, options.Value.RetryAfterSeconds);
        return OtlpResponses.Logs(outcome);
    }
}
