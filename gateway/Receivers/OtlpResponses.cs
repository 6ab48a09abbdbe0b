using OpenTelemetry.Proto.Collector.Logs.V1;
using OpenTelemetry.Proto.Collector.Metrics.V1;
using OpenTelemetry.Proto.Collector.Trace.V1;
using OtlpGrains.Gateway.Ingest;

namespace OtlpGrains.Gateway.Receivers;

/// <summary>Builds the OTLP export responses; <c>partial_success</c> is set only when something was rejected.</summary>
internal static class OtlpResponses
{
    public static ExportTraceServiceResponse Traces(IngestOutcome outcome) =>
        outcome.Status == IngestStatus.PartiallyAccepted
            ? new() { PartialSuccess = new() { RejectedSpans = outcome.Rejected, ErrorMessage = outcome.Message ?? string.Empty } }
            : new();

    public static ExportMetricsServiceResponse Metrics(IngestOutcome outcome) =>
        outcome.Status == IngestStatus.PartiallyAccepted
            ? new() { PartialSuccess = new() { RejectedDataPoints = outcome.Rejected, ErrorMessage = outcome.Message ?? string.Empty } }
            : new();

    public static ExportLogsServiceResponse Logs(IngestOutcome outcome) =>
        outcome.Status == IngestStatus.PartiallyAccepted
            ? new() { PartialSuccess = new() { RejectedLogRecords = outcome.Rejected, ErrorMessage = outcome.Message ?? string.Empty } }
            : new();
}
