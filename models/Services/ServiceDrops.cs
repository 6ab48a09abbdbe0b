namespace OtlpGrains.Models.Services;

/// <summary>
/// What one service's statistics refused so far, since first seen: the counts a grain compares before and after a
/// batch to publish what that batch lost.
/// </summary>
/// <param name="LateSpans">Spans too late (beyond the allowed lateness) or too far ahead for the windows; still in the totals.</param>
/// <param name="RefusedMetricPoints">Metric points beyond the series limit, or too late or too far ahead for the windows.</param>
/// <param name="RefusedEdgeCalls">Edge calls to callees beyond <see cref="ServiceWindowOptions.MaxEdges"/>.</param>
/// <param name="SkippedWindows">
/// Span, metric and log windows that never closed (so never reached the detectors): the watermark jumped past more
/// than the retention. Counted since the statistics were made or restored, not since first seen.
/// </param>
/// <param name="OtherOperationSpans">
/// Spans whose names went under the operation <c>other</c> in the windows: the service already had
/// <see cref="ServiceWindowOptions.MaxOperations"/> names.
/// </param>
public readonly record struct ServiceDrops(
    long LateSpans, long RefusedMetricPoints, long RefusedEdgeCalls, long SkippedWindows = 0, long OtherOperationSpans = 0)
{
    /// <summary>What was refused since <paramref name="earlier"/>.</summary>
    public ServiceDrops Since(ServiceDrops earlier) =>
        new(LateSpans - earlier.LateSpans, RefusedMetricPoints - earlier.RefusedMetricPoints, RefusedEdgeCalls - earlier.RefusedEdgeCalls,
            SkippedWindows - earlier.SkippedWindows, OtherOperationSpans - earlier.OtherOperationSpans);
}
