using System.Buffers;
using OtlpGrains.Gateway.Otlp;
using OtlpGrains.Interfaces;

namespace OtlpGrains.Gateway.Ingest;

/// <summary>
/// Reads an OTLP <c>ExportMetricsServiceRequest</c> straight from its protobuf bytes into one batch of named points
/// per service. Gauges and sums keep their value; histograms, exponential histograms and summaries keep their sum
/// and count. Buckets, quantiles, exemplars and point attributes are not decoded, but checked as a parser would
/// check them (<see cref="OtlpSchema"/>).
/// </summary>
internal static class MetricRequestReader
{
    private const string EmptyName = "metric name must not be empty";

    // Request, ResourceMetrics, ScopeMetrics, Metric.
    private const int MetricDepth = 3;

    private const uint ResourceMetricsField = (1 << 3) | ProtoReader.Len;

    private const uint NameField = (1 << 3) | ProtoReader.Len;
    private const uint GaugeField = (5 << 3) | ProtoReader.Len;
    private const uint SumField = (7 << 3) | ProtoReader.Len;
    private const uint HistogramField = (9 << 3) | ProtoReader.Len;
    private const uint ExponentialHistogramField = (10 << 3) | ProtoReader.Len;
    private const uint SummaryField = (11 << 3) | ProtoReader.Len;
    private const uint DataPointsField = (1 << 3) | ProtoReader.Len;

    // Points: the same numbers in every point type.
    private const uint TimeField = (3 << 3) | ProtoReader.Fixed64;
    private const uint CountField = (4 << 3) | ProtoReader.Fixed64;
    private const uint SumOfPointField = (5 << 3) | ProtoReader.Fixed64;
    private const uint AsDoubleField = (4 << 3) | ProtoReader.Fixed64;
    private const uint AsIntField = (6 << 3) | ProtoReader.Fixed64;

    /// <summary>Reads a request; its batch id is the hash of these bytes.</summary>
    /// <exception cref="OtlpFormatException">The bytes are not a valid protobuf encoding.</exception>
    public static SignalIngestPlan<ServiceMetricBatch> Read(ReadOnlySpan<byte> protobuf) => Read(protobuf, BatchIds.Of(protobuf));

    /// <inheritdoc cref="Read(ReadOnlySpan{byte})"/>
    public static SignalIngestPlan<ServiceMetricBatch> Read(ReadOnlySequence<byte> protobuf) =>
        ProtobufBody.Read(protobuf, static body => Read(body, BatchIds.Of(body)));

    /// <summary>Reads a request that arrived in another encoding, named by <paramref name="batchId"/>.</summary>
    /// <exception cref="OtlpFormatException">The bytes are not a valid protobuf encoding.</exception>
    public static SignalIngestPlan<ServiceMetricBatch> Read(ReadOnlySpan<byte> protobuf, Guid batchId)
    {
        var grouping = PerThread<MetricGrouping>.Rent();
        try
        {
            var pool = Utf8StringPool.Current;
            var request = new ProtoReader(protobuf);
            while (request.Next(out uint tag))
            {
                if (tag == ResourceMetricsField)
                {
                    ReadResourceMetrics(request.ReadBytes(), grouping, pool);
                }
                else
                {
                    OtlpSchema.Skip(ref request, tag, OtlpMessage.MetricsRequest, 0);
                }
            }

            return grouping.Build(batchId);
        }
        finally
        {
            PerThread<MetricGrouping>.Return(grouping);
        }
    }

    private static void ReadResourceMetrics(ReadOnlySpan<byte> encoded, MetricGrouping grouping, Utf8StringPool pool)
    {
        if (ResourceWalk.ServiceName(encoded, OtlpMessage.ResourceMetrics, pool) is not { } name)
        {
            return;
        }

        var metrics = new MetricSink(new ServiceSlot(name), grouping, pool);
        ResourceWalk.ReadItems(encoded, OtlpMessage.ScopeMetrics, ref metrics);
    }

    /// <summary>The metrics of one resource into the grouping, its service taken once it has a valid point.</summary>
    private struct MetricSink(ServiceSlot service, MetricGrouping grouping, Utf8StringPool pool) : IResourceItemSink
    {
        private ServiceSlot _service = service;

        public void Read(ReadOnlySpan<byte> item) => ReadMetric(item, ref _service, grouping, pool);
    }

    private static void ReadMetric(ReadOnlySpan<byte> encoded, ref ServiceSlot service, MetricGrouping grouping, Utf8StringPool pool)
    {
        // The data is a oneof: a later member of another kind replaces it, a later one of the same kind merges into
        // it. So only the fields from the last change of kind on count, and the name may come after them.
        ReadOnlySpan<byte> name = default;
        uint dataField = 0;
        int dataStart = 0;
        var reader = new ProtoReader(encoded);
        int position = 0;
        while (reader.Next(out uint tag))
        {
            switch (tag)
            {
                case NameField:
                    name = reader.ReadBytes();
                    OtlpSchema.CheckUtf8(name);
                    break;
                case GaugeField or SumField or HistogramField or ExponentialHistogramField or SummaryField:
                    if (tag != dataField)
                    {
                        dataField = tag;
                        dataStart = position;
                    }

                    // Read, or checked if replaced, in the second pass.
                    reader.Skip(tag);
                    break;
                default:
                    OtlpSchema.Skip(ref reader, tag, OtlpMessage.Metric, MetricDepth);
                    break;
            }

            position = encoded.Length - reader.Remaining;
        }

        if (dataField == 0)
        {
            if (name.IsEmpty)
            {
                grouping.Reject(0, EmptyName);
            }

            return;
        }

        var (kind, data, point) = dataField switch
        {
            GaugeField => (MetricKind.Gauge, OtlpMessage.Gauge, OtlpMessage.NumberDataPoint),
            SumField => (MetricKind.Sum, OtlpMessage.Sum, OtlpMessage.NumberDataPoint),
            HistogramField => (MetricKind.Histogram, OtlpMessage.Histogram, OtlpMessage.HistogramDataPoint),
            ExponentialHistogramField => (MetricKind.ExponentialHistogram, OtlpMessage.ExponentialHistogram, OtlpMessage.ExponentialHistogramDataPoint),
            _ => (MetricKind.Summary, OtlpMessage.Summary, OtlpMessage.SummaryDataPoint),
        };
        int nameIndex = -1;
        int rejected = 0;
        reader = new ProtoReader(encoded);
        position = 0;
        while (reader.Next(out uint tag))
        {
            bool isData = tag is GaugeField or SumField or HistogramField or ExponentialHistogramField or SummaryField;
            if (!isData || position < dataStart || tag != dataField)
            {
                // Replaced data is not used, but the parser read it: check it as the parser did.
                if (isData)
                {
                    OtlpSchema.Skip(ref reader, tag, OtlpMessage.Metric, MetricDepth);
                }
                else
                {
                    reader.Skip(tag);
                }

                position = encoded.Length - reader.Remaining;
                continue;
            }

            var dataReader = new ProtoReader(reader.ReadBytes());
            position = encoded.Length - reader.Remaining;
            while (dataReader.Next(out uint dataTag))
            {
                if (dataTag != DataPointsField)
                {
                    OtlpSchema.Skip(ref dataReader, dataTag, data, MetricDepth + 1);
                    continue;
                }

                var value = ReadPoint(dataReader.ReadBytes(), kind, point);
                if (name.IsEmpty)
                {
                    rejected++;
                    continue;
                }

                if (nameIndex < 0)
                {
                    service.Index = service.Index < 0 ? grouping.Service(service.Name) : service.Index;
                    nameIndex = grouping.Name(service.Index, pool.Get(name));
                }

                grouping.Add(service.Index, value with { Name = nameIndex });
            }
        }

        if (name.IsEmpty)
        {
            // Named even when the metric has no points, as before: the reason is kept for the first bad metric.
            grouping.Reject(rejected, EmptyName);
        }
    }

    private static MetricPoint ReadPoint(ReadOnlySpan<byte> encoded, MetricKind kind, OtlpMessage message)
    {
        ulong time = 0, count = 0;
        double sum = 0, value = 0;
        var reader = new ProtoReader(encoded);
        while (reader.Next(out uint tag))
        {
            switch (tag)
            {
                case TimeField:
                    time = reader.ReadFixed64();
                    break;
                case CountField when kind is not (MetricKind.Gauge or MetricKind.Sum):
                    count = reader.ReadFixed64();
                    break;
                case SumOfPointField when kind is not (MetricKind.Gauge or MetricKind.Sum):
                    sum = reader.ReadDouble();
                    break;
                case AsDoubleField when kind is MetricKind.Gauge or MetricKind.Sum:
                    value = reader.ReadDouble();
                    break;
                case AsIntField when kind is MetricKind.Gauge or MetricKind.Sum:
                    value = (long)reader.ReadFixed64();
                    break;
                default:
                    OtlpSchema.Skip(ref reader, tag, message, MetricDepth + 2);
                    break;
            }
        }

        return kind is MetricKind.Gauge or MetricKind.Sum
            ? new MetricPoint(0, kind, (long)time, value, 1)
            : new MetricPoint(0, kind, (long)time, sum, (long)count);
    }

    /// <summary>A resource's service, and its index in the grouping once it has an accepted point.</summary>
    private struct ServiceSlot(string name)
    {
        public readonly string Name = name;
        public int Index = -1;
    }
}
