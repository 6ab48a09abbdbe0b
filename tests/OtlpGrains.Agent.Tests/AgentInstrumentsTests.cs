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

    [Fact]
    public void TlsAttachFailuresAreCountedByLibrary()
    {
        var counters = new AgentCounters(1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0) { TlsAttachFailures = [0, 2, 5] };
        using var instruments = new AgentInstruments(() => counters);
        using var failures = new MetricCollector<long>(null, AgentInstruments.MeterName, "otlpgrains.agent.tls_attach_failures");

        failures.RecordObservableInstruments();
        counters = counters with { TlsAttachFailures = [] }; // TLS probes off: no measurement
        failures.RecordObservableInstruments();

        var byLibrary = failures.GetMeasurementSnapshot().ToDictionary(m => (string)m.Tags["library"]!, m => m.Value);
        Assert.Equal(new Dictionary<string, long> { ["openssl"] = 0, ["gnutls"] = 2, ["go"] = 5 }, byLibrary);
    }
}
