using System.Diagnostics.Metrics;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;
using OtlpGrains.Gateway.Ingest;

namespace OtlpGrains.Gateway.Tests;

/// <summary>Reads the gateway's counters back from the measurements its meter published (one host's factory only).</summary>
internal sealed class GatewayMeterReader : IDisposable
{
    private readonly MetricCollector<long> _accepted;
    private readonly MetricCollector<long> _invalid;
    private readonly MetricCollector<long> _cut;
    private readonly MetricCollector<long> _refused;
    private readonly MetricCollector<long> _limited;

    public GatewayMeterReader(IMeterFactory meters)
    {
        _accepted = new(meters, GatewayInstruments.MeterName, "accepted_items_total");
        _invalid = new(meters, GatewayInstruments.MeterName, "invalid_items_total");
        _cut = new(meters, GatewayInstruments.MeterName, "cut_items_total");
        _refused = new(meters, GatewayInstruments.MeterName, "refused_requests_total");
        _limited = new(meters, GatewayInstruments.MeterName, "limited_items_total");
    }

    public long AcceptedItems(Signal signal) => Sum(_accepted, signal);

    public long InvalidItems(Signal signal) => Sum(_invalid, signal);

    public long CutItems(Signal signal) => Sum(_cut, signal);

    public long RefusedRequests(Signal signal, RefusalReason reason) => Sum(_refused, signal, GatewayInstruments.ReasonName(reason));

    /// <summary>Items rejected because their service was new and beyond the service limits.</summary>
    public long LimitedItems(Signal signal) => Sum(_limited, signal);

    public void Dispose()
    {
        _limited.Dispose();
        _accepted.Dispose();
        _invalid.Dispose();
        _cut.Dispose();
        _refused.Dispose();
    }

    private static long Sum(MetricCollector<long> collector, Signal signal, string? reason = null) =>
        collector.GetMeasurementSnapshot()
            .Where(m => Equals(m.Tags["signal"], GatewayInstruments.SignalName(signal)) && (reason is null || Equals(m.Tags["reason"], reason)))
            .Sum(m => m.Value);
}
