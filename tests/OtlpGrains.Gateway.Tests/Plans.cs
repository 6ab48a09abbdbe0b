using Google.Protobuf;
using Grpc.Core;
using OpenTelemetry.Proto.Collector.Logs.V1;
using OpenTelemetry.Proto.Collector.Metrics.V1;
using OpenTelemetry.Proto.Collector.Trace.V1;
using OpenTelemetry.Proto.Logs.V1;
using OpenTelemetry.Proto.Resource.V1;
using OtlpGrains.Gateway.Ingest;
using OtlpGrains.Gateway.Otlp;
using OtlpGrains.Gateway.Receivers;
using OtlpGrains.Interfaces;

namespace OtlpGrains.Gateway.Tests;

/// <summary>
/// Requests built with the Google.Protobuf classes go through the gateway as a sender's would: encoded to bytes,
/// then read by the wire readers. The extensions let a test hand a message to the pipeline or the gRPC receiver.
/// </summary>
internal static class Plans
{
    public static TraceIngestPlan Traces(ExportTraceServiceRequest request, Guid batchId) =>
        TraceRequestReader.Read(request.ToByteArray(), batchId);

    public static SignalIngestPlan<ServiceMetricBatch> Metrics(ExportMetricsServiceRequest request, Guid batchId) =>
        MetricRequestReader.Read(request.ToByteArray(), batchId);

    public static SignalIngestPlan<ServiceLogBatch> Logs(ExportLogsServiceRequest request, Guid batchId, long receivedUnixNano) =>
        LogRequestReader.Read(request.ToByteArray(), batchId, receivedUnixNano);

    /// <summary>One log record read as the logs reader reads it.</summary>
    public static LogLine Line(LogRecord record, long timeUnixNano, out bool cut) =>
        LogLineReader.Read(new LogRecordView(record.ToByteArray(), 3), timeUnixNano, Utf8StringPool.Current, out cut);

    /// <summary>The service a resource names (null: a resource-less request).</summary>
    public static string ServiceOf(Resource? resource)
    {
        var identity = default(ServiceIdentity);
        if (resource is not null)
        {
            identity.Add(resource.ToByteArray(), 2);
        }

        return identity.Name(Utf8StringPool.Current);
    }

    public static ValueTask<IngestOutcome> IngestTracesAsync(this IngestPipeline pipeline, ExportTraceServiceRequest request, CancellationToken cancellationToken) =>
        pipeline.IngestTracesAsync(TraceRequestReader.Read(request.ToByteArray()), cancellationToken);

    public static ValueTask<IngestOutcome> IngestMetricsAsync(this IngestPipeline pipeline, ExportMetricsServiceRequest request, CancellationToken cancellationToken) =>
        pipeline.IngestMetricsAsync(MetricRequestReader.Read(request.ToByteArray()), cancellationToken);

    public static ValueTask<IngestOutcome> IngestLogsAsync(this IngestPipeline pipeline, ExportLogsServiceRequest request, CancellationToken cancellationToken) =>
        pipeline.IngestLogsAsync(LogRequestReader.Read(request.ToByteArray(), pipeline.ReceivedUnixNano()), cancellationToken);

    public static Task<ExportTraceServiceResponse> ExportTracesAsync(this OtlpGrpcReceiver receiver, ExportTraceServiceRequest request, ServerCallContext context) =>
        receiver.ExportTracesAsync(TraceRequestReader.Read(request.ToByteArray()), context);
}
