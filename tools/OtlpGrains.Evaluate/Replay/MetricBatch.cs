using OpenTelemetry.Proto.Collector.Metrics.V1;
using OpenTelemetry.Proto.Metrics.V1;
using OtlpGrains.Models.Simulation;

namespace OtlpGrains.Evaluate.Replay;

/// <summary>Metric rows or simulated gauges for one <see cref="ExportMetricsServiceRequest"/>: each value a gauge point; counts points.</summary>
internal sealed class MetricBatch : SignalBatch<MetricBatch.Block>
{
    public void Add(NezhaMetricRow row, long offsetNanos)
    {
        Block block = BlockOf(row.Service, row.Pod, () => new Block(row.Service, row.Pod));
        ulong time = (ulong)(row.TimeUnixNano + offsetNanos);
        foreach (MetricValue value in row.Values)
        {
            block.GaugeOf(value.Name, value.Unit).DataPoints.Add(new NumberDataPoint { TimeUnixNano = time, AsDouble = value.Value });
        }

        Counted(row.Values.Count);
    }

    public void Add(SimulatedGauge gauge)
    {
        Block block = BlockOf(gauge.Service, gauge.Pod, () => new Block(gauge.Service, gauge.Pod));
        block.GaugeOf(gauge.Name, gauge.Unit).DataPoints.Add(new NumberDataPoint { TimeUnixNano = (ulong)gauge.TimeUnixNano, AsDouble = gauge.Value });
        Counted(1);
    }

    public ExportMetricsServiceRequest Build()
    {
        var request = new ExportMetricsServiceRequest();
        request.ResourceMetrics.AddRange(Blocks.Select(b => b.Metrics));
        return request;
    }

    /// <summary>One resource's metrics, one gauge per name.</summary>
    internal sealed class Block(string service, string? pod)
    {
        private readonly Dictionary<string, Gauge> _gauges = new(StringComparer.Ordinal);

        public ResourceMetrics Metrics { get; } = new()
        {
            Resource = OtlpResources.Of(service, pod),
            ScopeMetrics = { new ScopeMetrics { Scope = OtlpResources.Scope } },
        };

        public Gauge GaugeOf(string name, string unit)
        {
            if (!_gauges.TryGetValue(name, out Gauge? gauge))
            {
                gauge = new Gauge();
                _gauges.Add(name, gauge);
                Metrics.ScopeMetrics[0].Metrics.Add(new Metric { Name = name, Unit = unit, Gauge = gauge });
            }

            return gauge;
        }
    }
}
