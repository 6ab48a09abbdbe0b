using Grpc.Core;
using Microsoft.Extensions.Options;
using OpenTelemetry.Proto.Collector.Trace.V1;
using OtlpGrains.Gateway.Hosting;
using OtlpGrains.Gateway.Ingest;

namespace OtlpGrains.Gateway.Receivers;

/// <summary>OTLP/gRPC <c>TraceService.Export</c>.</summary>
internal sealed class TraceServiceReceiver(IngestPipeline pipeline, IOptions<OtlpReceiverOptions> options) : TraceService.TraceServiceBase
{
    public override async Task<ExportTraceServiceResponse> Export(ExportTraceServiceRequest request, ServerCallContext context)
    {
        var outcome = await pipeline.IngestTracesAsync(request, context.CancellationToken);
        GrpcOutcome.ThrowIfRefused(outcome, context, options.Value.RetryAfterSeconds);
        return OtlpResponses.Traces(outcome);
    }
}
