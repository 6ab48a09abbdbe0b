namespace OtlpGrains.Models.Services;

/// <summary>The parts of a service's state a detail view reads.</summary>
internal readonly record struct ServiceStatisticsParts(
    ServiceCounters Counters, SpanSignal Spans, EdgeSignal Edges, MetricSignal Metrics, LogSignal Logs);
