using Microsoft.Extensions.Diagnostics.Metrics.Testing;
using Xunit;

namespace OtlpGrains.Agent.Tests;

public sealed class AgentInstrumentsTests
{
    [Fact]
    public void TheCountersAreObservedFromTheirSnapshotWithDropsByWhere()
    {
        var counters = new AgentCounters(Events: 10, PayloadBytes: 2048, KernelDrops: 3, PendingDrops: 1, QueueDrops: 2, Spans: 7,
            SpansExported: 5, SpanExportDrops: 1, SpanExportFailures: 1, MetricPointsExported: 40, MetricPointsFailed: 4, SeriesOverflowed: 6);
        using var instruments = new AgentInstruments(() => counters);
        using var dropped = new MetricCollector<long>(null, AgentInstruments.MeterName, "otlpgrains.agent.dropped_events");
        using var spans = new MetricCollector<long>(null, AgentInstruments.MeterName, "otlpgrains.agent.spans_exported");

        dropped.RecordObservableInstruments();
        spans.RecordObservableInstruments();
        counters = counters with { SpansExported = 6 };
        spans.RecordObservableInstruments();

        var drops = dropped.GetMeasurementSnapshot().ToDictionary(m => (string)m.Tags["reason"]!, m => m.Value);
        Assert.Equal(3, drops["kernel_ring_full"]);
        Assert.Equal(1, drops["pending_map_full"]);
        Assert.Equal(2, drops["queue_full"]);
        Assert.Equal([5L, 6L], spans.GetMeasurementSnapshot().Select(m => m.Value));
    }
}
