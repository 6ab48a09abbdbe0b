using System.Buffers;
using OtlpGrains.Gateway.Otlp;
using OtlpGrains.Interfaces;

namespace OtlpGrains.Gateway.Ingest;

/// <summary>
/// Reads an OTLP <c>ExportLogsServiceRequest</c> straight from its protobuf bytes into one batch of
/// <see cref="LogLine"/>s per service, refusing records with bad ids and counting the records that were cut to
/// <see cref="LogLimits"/>. The traces of error records are listed, so that their trace grains keep them.
/// </summary>
internal static class LogRequestReader
{
    private const uint ResourceLogsField = (1 << 3) | ProtoReader.Len;

    /// <summary>Reads a request; its batch id is the hash of these bytes.</summary>
    /// <param name="receivedUnixNano">When the gateway received it: the time of records that carry none.</param>
    /// <exception cref="OtlpFormatException">The bytes are not a valid protobuf encoding.</exception>
    public static SignalIngestPlan<ServiceLogBatch> Read(ReadOnlySpan<byte> protobuf, long receivedUnixNano) =>
        Read(protobuf, BatchIds.Of(protobuf), receivedUnixNano);

    /// <inheritdoc cref="Read(ReadOnlySpan{byte}, long)"/>
    public static SignalIngestPlan<ServiceLogBatch> Read(ReadOnlySequence<byte> protobuf, long receivedUnixNano) =>
        ProtobufBody.Read(protobuf, body => Read(body, BatchIds.Of(body), receivedUnixNano));

    /// <summary>Reads a request that arrived in another encoding, named by <paramref name="batchId"/>.</summary>
    /// <exception cref="OtlpFormatException">The bytes are not a valid protobuf encoding.</exception>
    public static SignalIngestPlan<ServiceLogBatch> Read(ReadOnlySpan<byte> protobuf, Guid batchId, long receivedUnixNano)
    {
        var grouping = PerThread<LogGrouping>.Rent();
        try
        {
            var pool = Utf8StringPool.Current;
            var request = new ProtoReader(protobuf);
            while (request.Next(out uint tag))
            {
                if (tag == ResourceLogsField)
                {
                    ReadResourceLogs(request.ReadBytes(), grouping, pool, receivedUnixNano);
                }
                else
                {
                    OtlpSchema.Skip(ref request, tag, OtlpMessage.LogsRequest, 0);
                }
            }

            return grouping.Build(batchId);
        }
        finally
        {
            PerThread<LogGrouping>.Return(grouping);
        }
    }

    private static void ReadResourceLogs(ReadOnlySpan<byte> encoded, LogGrouping grouping, Utf8StringPool pool, long receivedUnixNano)
    {
        if (ResourceWalk.ServiceName(encoded, OtlpMessage.ResourceLogs, pool) is not { } service)
        {
            return;
        }

        var records = new RecordSink(service, grouping, pool, receivedUnixNano);
        ResourceWalk.ReadItems(encoded, OtlpMessage.ScopeLogs, ref records);
    }

    /// <summary>The records of one resource into the grouping, its service taken once it has a valid record.</summary>
    private struct RecordSink(string service, LogGrouping grouping, Utf8StringPool pool, long receivedUnixNano) : IResourceItemSink
    {
        private int _serviceIndex = -1;

        public void Read(ReadOnlySpan<byte> item)
        {
            // Request, ResourceLogs, ScopeLogs, LogRecord.
            var record = new LogRecordView(item, 3);

            // Ids are optional on logs, but when present they follow the span rules.
            if (!record.TraceId.IsEmpty && !SpanValidator.IsValidId(record.TraceId, 16))
            {
                grouping.Reject($"log trace id must be empty or 16 bytes and not all zero (got {record.TraceId.Length} bytes)");
                return;
            }

            if (!record.SpanId.IsEmpty && !SpanValidator.IsValidId(record.SpanId, 8))
            {
                grouping.Reject($"log span id must be empty or 8 bytes and not all zero (got {record.SpanId.Length} bytes)");
                return;
            }

            if (_serviceIndex < 0)
            {
                _serviceIndex = grouping.Service(service);
            }

            // Event time, else the time the collector saw it, else the time we received it.
            var time = record.TimeUnixNano != 0 ? record.TimeUnixNano
                : record.ObservedTimeUnixNano != 0 ? record.ObservedTimeUnixNano
                : (ulong)receivedUnixNano;
            var line = LogLineReader.Read(record, (long)time, pool, out bool wasCut);
            grouping.Add(_serviceIndex, line, wasCut);
        }
    }
}
