namespace OtlpGrains.Evaluate.Replay;

/// <summary>One minute of one pod's (or the front end's) metrics: every numeric column as a named value.</summary>
internal sealed record NezhaMetricRow(long TimeUnixNano, string Service, string? Pod, IReadOnlyList<MetricValue> Values);

/// <summary>A column's value: the name without the unit, and the unit from its parentheses (<c>CpuUsage(m)</c>).</summary>
internal readonly record struct MetricValue(string Name, string Unit, double Value);
