using OpenTelemetry.Proto.Collector.Logs.V1;
using OtlpGrains.Gateway.Ingest;
using OtlpGrains.Interfaces;
using OtlpGrains.Models.Detection;

namespace OtlpGrains.Gateway.Oracle;

// The gateway's code before the protobuf wire reader (#11), on Google.Protobuf's message tree: kept unchanged as
// the oracle that the reader's plans are compared with.
/// <summary>
/// Splits a logs export request into one batch of <see cref="LogLine"/>s per service, refusing records with bad ids
/// and counting the records that were cut to <see cref="LogLimits"/>. The traces of error records are listed, so
/// that their trace grains keep them.
/// </summary>
internal static class LogRequestSplitter
{

    public static SignalIngestPlan<ServiceLogBatch> Split(ExportLogsServiceRequest request, Guid batchId, long receivedUnixNano)
    {
        var services = new Dictionary<string, List<LogLine>>(StringComparer.Ordinal);
        int accepted = 0, rejected = 0, cut = 0;
        HashSet<TraceKey>? errorTraces = null;
        string? reason = null;
        foreach (var resourceLogs in request.ResourceLogs)
        {
            var service = ServiceIdentity.Of(resourceLogs.Resource?.Attributes);
            foreach (var scopeLogs in resourceLogs.ScopeLogs)
            {
                foreach (var record in scopeLogs.LogRecords)
                {
                    // Ids are optional on logs, but when present they follow the span rules.
                    if (!record.TraceId.IsEmpty && !SpanValidator.IsValidId(record.TraceId, 16))
                    {
                        rejected++;
                        reason ??= $"log trace id must be empty or 16 bytes and not all zero (got {record.TraceId.Length} bytes)";
                        continue;
                    }

                    if (!record.SpanId.IsEmpty && !SpanValidator.IsValidId(record.SpanId, 8))
                    {
                        rejected++;
                        reason ??= $"log span id must be empty or 8 bytes and not all zero (got {record.SpanId.Length} bytes)";
                        continue;
                    }

                    if (!services.TryGetValue(service, out var stamps))
                    {
                        stamps = [];
                        services.Add(service, stamps);
                    }

                    // Event time, else the time the collector saw it, else the time we received it.
                    var time = record.TimeUnixNano != 0 ? record.TimeUnixNano
                        : record.ObservedTimeUnixNano != 0 ? record.ObservedTimeUnixNano
                        : (ulong)receivedUnixNano;
                    LogLine line = LogLineReader.Read(record, (long)time, out bool wasCut);
                    stamps.Add(line);
                    if (line.HasTrace && line.SeverityNumber >= LogDetection.ErrorSeverity)
                    {
                        (errorTraces ??= []).Add(new TraceKey(line.TraceIdHigh, line.TraceIdLow));
                    }

                    cut += wasCut ? 1 : 0;
                    accepted++;
                }
            }
        }

        var batches = new KeyValuePair<string, ServiceLogBatch>[services.Count];
        var i = 0;
        foreach (var (name, stamps) in services)
        {
            batches[i++] = new(name, new ServiceLogBatch(batchId, [.. stamps]));
        }

        return new SignalIngestPlan<ServiceLogBatch>(batches, accepted, rejected, reason)
        {
            Cut = cut,
            ErrorTraces = errorTraces is null ? [] : [.. errorTraces],
        };
    }
}
