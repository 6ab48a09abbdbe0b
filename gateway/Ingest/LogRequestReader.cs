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
    private const uint ResourceField = (1 << 3) | ProtoReader.Len;
    private const uint ScopeLogsField = (2 << 3) | ProtoReader.Len;
    private const uint LogRecordsField = (2 << 3) | ProtoReader.Len;

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
        var grouping = LogGrouping.Rent();
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
            LogGrouping.Return(grouping);
        }
    }

    private static void ReadResourceLogs(ReadOnlySpan<byte> encoded, LogGrouping grouping, Utf8StringPool pool, long receivedUnixNano)
    {
        var identity = default(ServiceIdentity);
        var scopes = 0;
        var reader = new ProtoReader(encoded);
        while (reader.Next(out uint tag))
        {
            if (tag == ResourceField)
            {
                identity.Add(reader.ReadBytes(), 2);
            }
            else if (tag == ScopeLogsField)
            {
                // Read (and so checked) in the second pass.
                scopes++;
                reader.Skip(tag);
            }
            else
            {
                OtlpSchema.Skip(ref reader, tag, OtlpMessage.ResourceLogs, 1);
            }
        }

        if (scopes == 0)
        {
            return;
        }

        string service = identity.Name(pool);
        int serviceIndex = -1;
        reader = new ProtoReader(encoded);
        while (reader.Next(out uint tag))
        {
            if (tag != ScopeLogsField)
            {
                reader.Skip(tag);
                continue;
            }

            var scope = new ProtoReader(reader.ReadBytes());
            while (scope.Next(out uint scopeTag))
            {
                if (scopeTag != LogRecordsField)
                {
                    OtlpSchema.Skip(ref scope, scopeTag, OtlpMessage.ScopeLogs, 2);
                    continue;
                }

                // Request, ResourceLogs, ScopeLogs, LogRecord.
                var record = new LogRecordView(scope.ReadBytes(), 3);

                // Ids are optional on logs, but when present they follow the span rules.
                if (!record.TraceId.IsEmpty && !SpanValidator.IsValidId(record.TraceId, 16))
                {
                    grouping.Reject($"log trace id must be empty or 16 bytes and not all zero (got {record.TraceId.Length} bytes)");
                    continue;
                }

                if (!record.SpanId.IsEmpty && !SpanValidator.IsValidId(record.SpanId, 8))
                {
                    grouping.Reject($"log span id must be empty or 8 bytes and not all zero (got {record.SpanId.Length} bytes)");
                    continue;
                }

                if (serviceIndex < 0)
                {
                    serviceIndex = grouping.Service(service);
                }

                // Event time, else the time the collector saw it, else the time we received it.
                var time = record.TimeUnixNano != 0 ? record.TimeUnixNano
                    : record.ObservedTimeUnixNano != 0 ? record.ObservedTimeUnixNano
                    : (ulong)receivedUnixNano;
                var line = LogLineReader.Read(record, (long)time, pool, out bool wasCut);
                grouping.Add(serviceIndex, line, wasCut);
            }
        }
    }
}
