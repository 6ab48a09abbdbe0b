using OpenTelemetry.Proto.Collector.Logs.V1;
using OpenTelemetry.Proto.Common.V1;
using OpenTelemetry.Proto.Logs.V1;

namespace OtlpGrains.Evaluate.Replay;

/// <summary>Log records for one <see cref="ExportLogsServiceRequest"/>: body, severity, trace and span ids, time.</summary>
internal sealed class LogBatch : SignalBatch<ResourceLogs>
{
    public void Add(NezhaLogLine line, long offsetNanos)
    {
        ResourceLogs block = BlockOf(line.Service, line.Pod, () => new ResourceLogs
        {
            Resource = OtlpResources.Of(line.Service, line.Pod),
            ScopeLogs = { new ScopeLogs { Scope = OtlpResources.Scope } },
        });
        var record = new LogRecord
        {
            TimeUnixNano = (ulong)(line.TimeUnixNano + offsetNanos),
            SeverityNumber = (SeverityNumber)line.SeverityNumber,
            SeverityText = line.SeverityText,
            Body = new AnyValue { StringValue = line.Text },
        };
        if (line.TraceId.Length > 0)
        {
            record.TraceId = OtlpResources.Id(line.TraceId, 16, "log trace id");
        }

        if (line.SpanId.Length > 0)
        {
            record.SpanId = OtlpResources.Id(line.SpanId, 8, "log span id");
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
