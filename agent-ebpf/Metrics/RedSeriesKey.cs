namespace OtlpGrains.Agent.Metrics;

/// <summary>
/// One series: the process, the metric, and the attribute values the conventions put on it. A struct of plain fields,
/// so looking a series up allocates nothing.
/// </summary>
internal readonly record struct RedSeriesKey(
    int Pid,
    RedMetric Metric,
    string? Route,
    string? Method,
    int StatusCode,
    string? ErrorType,
    string? RpcService,
    string? RpcMethod,
    int GrpcStatus,
    string? DbSystem,
    string? DbOperation,
    string? DbNamespace,
    string? DbStatus,
    bool Overflow = false)
{
    /// <summary>The series a process's excess series fold into: the metric alone, marked as overflow.</summary>
    public RedSeriesKey ToOverflow() =>
        new(Pid, Metric, null, null, 0, null, null, null, -1, null, null, null, null, Overflow: true);
}
