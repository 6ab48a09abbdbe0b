using System.Buffers.Binary;
using Google.Protobuf;
using OpenTelemetry.Proto.Collector.Logs.V1;
using OpenTelemetry.Proto.Common.V1;
using OpenTelemetry.Proto.Logs.V1;
using OpenTelemetry.Proto.Resource.V1;

namespace OtlpGrains.LoadTool;

/// <summary>
/// One logs export request, encoded once; each send copies the bytes and overwrites every record's time and
/// observed time and every trace id in place, so that the last record is observed at the send time. Counts records
/// per service. The bodies were drawn when the
/// template was built, so they repeat from send to send of one template but differ between templates.
/// </summary>
internal sealed class LogRequestTemplate : RequestTemplate
{
    /// <summary>Records that carry a trace id, besides the ERROR ones that always do: about half of them.</summary>
    private const double TracedShare = 0.49;

    /// <summary>Traced records in a row that share one trace, as the lines of one request would.</summary>
    private const int RecordsPerTrace = 4;

    /// <summary>Event time between consecutive records of a request.</summary>
    private const ulong RecordSpacingNanos = 20_000;

    /// <summary>How long after its event the collector observed a record.</summary>
    private const ulong ObservedDelayNanos = 2_000_000;

    private LogRequestTemplate(byte[] encoded, int recordCount, int tracedCount, long[] recordsPerService, PlaceholderStamp stamp)
        : base(encoded, recordCount, recordsPerService, stamp)
    {
        TracedCount = tracedCount;
    }

    /// <summary>Records that carry a trace id and span id.</summary>
    public int TracedCount { get; }

    /// <summary>
    /// Builds a request of <paramref name="recordCount"/> records numbered from <paramref name="firstRecord"/>; record
    /// <c>g</c> belongs to service <c>g mod services</c>, and its shape and variable parts are drawn from a source
    /// seeded with <paramref name="firstRecord"/>, so a template is the same in every run.
    /// </summary>
    public static LogRequestTemplate Build(LoadOptions options, int firstRecord, int recordCount)
    {
        var random = new Random(firstRecord);
        var byService = new SortedDictionary<int, ScopeLogs>();
        var recordsPerService = new long[options.Services];
        var traceIdPlaceholders = new List<byte[]>();
        var recordsPerTrace = new List<int>();
        var timePlaceholders = new List<(ulong Placeholder, ulong AfterStartNanos)>(2 * recordCount);
        int traced = 0;

        for (int r = 0; r < recordCount; r++)
        {
            int service = (firstRecord + r) % options.Services;
            LogMessageShape shape = LogMessageShapes.Draw(random);
            ulong time = PlaceholderStamp.TimeTag | ((ulong)r << 1);
            ulong observed = time | 1;
            ulong after = (ulong)r * RecordSpacingNanos;
            timePlaceholders.Add((time, after));
            timePlaceholders.Add((observed, after + ObservedDelayNanos));

            var record = new LogRecord
            {
                TimeUnixNano = time,
                ObservedTimeUnixNano = observed,
                SeverityNumber = shape.Severity,
                SeverityText = shape.SeverityText,
                Body = new AnyValue { StringValue = shape.Render(random) },
                Attributes =
                {
                    new KeyValue { Key = "code.function", Value = new AnyValue { StringValue = shape.Function } },
                    new KeyValue { Key = "thread.name", Value = new AnyValue { StringValue = $"worker-{random.Next(1, 33)}" } },
                },
            };

            if (shape.Severity >= SeverityNumber.Error || random.NextDouble() < TracedShare)
            {
                int trace = traced / RecordsPerTrace;
                if (trace == traceIdPlaceholders.Count)
                {
                    traceIdPlaceholders.Add(PlaceholderStamp.TraceIdPlaceholder(trace));
                    recordsPerTrace.Add(0);
                }

                record.TraceId = ByteString.CopyFrom(traceIdPlaceholders[trace]);
                record.SpanId = SpanId(r);
                record.Flags = 1;
                recordsPerTrace[trace]++;
                traced++;
            }

            if (!byService.TryGetValue(service, out ScopeLogs? scope))
            {
                scope = new ScopeLogs { Scope = new InstrumentationScope { Name = "otlpgrains.loadtool" } };
                byService.Add(service, scope);
            }

            scope.LogRecords.Add(record);
            recordsPerService[service]++;
        }

        var request = new ExportLogsServiceRequest();
        foreach ((int service, ScopeLogs scope) in byService)
        {
            var resource = new Resource();
            resource.Attributes.Add(new KeyValue { Key = "service.name", Value = new AnyValue { StringValue = options.ServiceName(service) } });
            request.ResourceLogs.Add(new ResourceLogs { Resource = resource, ScopeLogs = { scope } });
        }

        ulong spanNanos = ((ulong)(recordCount - 1) * RecordSpacingNanos) + ObservedDelayNanos;
        (byte[] encoded, PlaceholderStamp stamp) = PlaceholderStamp.Encode(request, options.Protocol, traceIdPlaceholders, recordsPerTrace, timePlaceholders, spanNanos);
        return new LogRequestTemplate(encoded, recordCount, traced, recordsPerService, stamp);
    }

    private static ByteString SpanId(int record)
    {
        Span<byte> id = stackalloc byte[8];
        BinaryPrimitives.WriteUInt64BigEndian(id, 0x5B00_0000_0000_0000UL | (uint)(record + 1));
        return ByteString.CopyFrom(id);
    }
}
