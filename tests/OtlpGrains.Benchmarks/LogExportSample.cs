using System.Buffers.Binary;
using Google.Protobuf;
using OpenTelemetry.Proto.Collector.Logs.V1;
using OpenTelemetry.Proto.Common.V1;
using OpenTelemetry.Proto.Logs.V1;

namespace OtlpGrains.Benchmarks;

/// <summary>
/// A deterministic logs export request shaped like an SDK's batch: 20 services, 25 records each, with a formatted
/// message body of 60-120 characters, four attributes, trace context on most records, and one error in ten.
/// </summary>
internal static class LogExportSample
{
    public const int ServiceCount = 20;

    public const int RecordsPerService = 25;

    public const int RecordCount = ServiceCount * RecordsPerService;

    private const ulong Now = 1_767_225_600_000_000_000;

    private static readonly string[] Messages =
    [
        "Request {0} served in {1} ms for user 4711 from 10.0.3.17",
        "Cache miss for key stock:{0}; loading from the database (attempt {1})",
        "Order {0} placed: 3 items, total 129.90 EUR, payment pending confirmation by the provider ({1} ms)",
        "Connection pool exhausted: waited {1} ms for a connection to orders-db, request {0}",
    ];

    public static ExportLogsServiceRequest Create()
    {
        var request = new ExportLogsServiceRequest();
        for (int s = 0; s < ServiceCount; s++)
        {
            var scope = new ScopeLogs { Scope = new InstrumentationScope { Name = "Shop.Orders", Version = "1.0.0" } };
            for (int r = 0; r < RecordsPerService; r++)
            {
                int n = (s * RecordsPerService) + r;
                bool error = n % 10 == 3;
                var record = new LogRecord
                {
                    TimeUnixNano = Now + (ulong)n * 1_000_000,
                    ObservedTimeUnixNano = Now + (ulong)n * 1_000_000 + 500,
                    SeverityNumber = error ? SeverityNumber.Error : SeverityNumber.Info,
                    SeverityText = error ? "Error" : "Information",
                    Body = new AnyValue { StringValue = string.Format(System.Globalization.CultureInfo.InvariantCulture, Messages[n % Messages.Length], 10_000 + n, 3 + (n % 97)) },
                    Attributes =
                    {
                        MetricExportSample.Str("code.function.name", "Shop.Orders.OrderService.Place"),
                        MetricExportSample.Str("thread.name", $"worker-{n % 8}"),
                        new KeyValue { Key = "order.items", Value = new AnyValue { IntValue = 1 + (n % 5) } },
                        MetricExportSample.Str("event.name", error ? "order.failed" : "order.placed"),
                    },
                };
                if (n % 5 != 0)
                {
                    record.TraceId = Id(16, (ulong)n + 1);
                    record.SpanId = Id(8, (ulong)n + 7);
                }

                scope.LogRecords.Add(record);
            }

            var resourceLogs = new ResourceLogs { Resource = MetricExportSample.ResourceOf(s) };
            resourceLogs.ScopeLogs.Add(scope);
            request.ResourceLogs.Add(resourceLogs);
        }

        return request;
    }

    private static ByteString Id(int length, ulong seed)
    {
        var bytes = new byte[length];
        for (int i = 0; i < length; i += 8)
        {
            BinaryPrimitives.WriteUInt64BigEndian(bytes.AsSpan(i), (seed * 0x9E3779B97F4A7C15) ^ (ulong)i | 1);
        }

        return ByteString.CopyFrom(bytes);
    }
}
