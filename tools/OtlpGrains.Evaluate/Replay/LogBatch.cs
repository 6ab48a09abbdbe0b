using OpenTelemetry.Proto.Collector.Logs.V1;
using OpenTelemetry.Proto.Common.V1;
using OpenTelemetry.Proto.Logs.V1;
using OtlpGrains.Models.Simulation;

namespace OtlpGrains.Evaluate.Replay;

/// <summary>Log records for one <see cref="ExportLogsServiceRequest"/>: body, severity, trace and span ids, time.</summary>
internal sealed class LogBatch : SignalBatch<ResourceLogs>
{
    public void Add(NezhaLogLine line, long offsetNanos) =>
        Add(line.Service, line.Pod, line.TimeUnixNano + offsetNanos, line.SeverityNumber, line.SeverityText, line.Text, line.TraceId, line.SpanId);

    public void Add(SimulatedLog log) =>
        Add(log.Service, log.Pod, log.TimeUnixNano, log.SeverityNumber, log.SeverityText, log.Body, log.TraceId, log.SpanId);

    private void Add(string service, string pod, long timeUnixNano, int severityNumber, string severityText, string body, string traceId, string spanId)
    {
        ResourceLogs block = BlockOf(service, pod, () => new ResourceLogs
        {
            Resource = OtlpResources.Of(service, pod),
            ScopeLogs = { new ScopeLogs { Scope = OtlpResources.Scope } },
        });
        var record = new LogRecord
        {
            TimeUnixNano = (ulong)timeUnixNano,
            SeverityNumber = (SeverityNumber)severityNumber,
            SeverityText = severityText,
            Body = new AnyValue { StringValue = body },
        };
        if (traceId.Length > 0)
        {
            record.TraceId = OtlpResources.Id(traceId, 16, "log trace id");
        }

        if (spanId.Length > 0)
        {
            record.SpanId = OtlpResources.Id(spanId, 8, "log span id");
        }

        block.ScopeLogs[0].LogRecords.Add(record);
        Counted(1);
    }

    public ExportLogsServiceRequest Build()
    {
        var request = new ExportLogsServiceRequest();
        request.ResourceLogs.AddRange(Blocks);
        return request;
    }
}
