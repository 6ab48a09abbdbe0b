namespace OtlpGrains.Evaluate.Replay;

/// <summary>
/// Sends a <see cref="ReplayPlan"/> in event-time order. Items gather per signal into requests of at most
/// <c>batch</c> items; with a speed, an item is sent no earlier than its turn (wall start plus its event time since
/// the first event, divided by the speed), and what has gathered is flushed every quarter second of wall time's
/// worth of events, so requests stay small and steady.
/// </summary>
internal sealed class ReplayEngine(OtlpExporter exporter, int batch, TimeProvider time, TextWriter output)
{
    private static readonly TimeSpan FlushEvery = TimeSpan.FromMilliseconds(250);
    private static readonly TimeSpan ProgressEvery = TimeSpan.FromSeconds(5);

    private readonly TraceBatch _traces = new();
    private readonly LogBatch _logs = new();
    private readonly MetricBatch _metrics = new();

    /// <summary>Spans the replay inferred (CLIENT sides of cross-service calls), among the spans sent.</summary>
    public long InferredSpans { get; private set; }

    /// <summary>Torn rows skipped while reading.</summary>
    public MalformedRows Malformed { get; } = new();

    public async Task RunAsync(ReplayPlan plan, CancellationToken ct)
    {
        DateTimeOffset wallStart = time.GetUtcNow();
        DateTimeOffset nextProgress = wallStart + ProgressEvery;
        long sliceNanos = plan.Speed is double s ? (long)(FlushEvery.Ticks * 100 * s) : long.MaxValue;
        long sliceEnd = long.MinValue;
        foreach (ReplaySegment segment in plan.Segments)
        {
            output.WriteLine(
                $"{segment.Label}: {Clock(segment.Range.FromUnixNano)} to {Clock(segment.Range.ToUnixNano - 1)} of {segment.Source.Day:yyyy-MM-dd}, " +
                $"sent as {Clock(segment.FirstShifted)} to {Clock(segment.LastShifted)}");
            foreach (ReplayEvent e in NezhaTimeline.Events(segment.Source, segment.Range, Malformed, segment.Minutes))
            {
                ct.ThrowIfCancellationRequested();
                long shifted = e.TimeUnixNano + segment.OffsetNanos;
                if (plan.Speed is double speed && shifted >= sliceEnd)
                {
                    await FlushAsync(ct);
                    DateTimeOffset due = wallStart + TimeSpan.FromTicks((long)((shifted - plan.FirstShifted) / 100 / speed));
                    TimeSpan wait = due - time.GetUtcNow();
                    if (wait > TimeSpan.Zero)
                    {
                        await Task.Delay(wait, time, ct);
                    }

                    sliceEnd = shifted + sliceNanos;
                }

                await AddAsync(e.Item, segment.OffsetNanos, ct);
                if (time.GetUtcNow() >= nextProgress)
                {
                    nextProgress = time.GetUtcNow() + ProgressEvery;
                    output.WriteLine(
                        $"  {(time.GetUtcNow() - wallStart).TotalSeconds,6:0} s  at {Clock(e.TimeUnixNano)}  spans {exporter.Traces.Items}  " +
                        $"logs {exporter.Logs.Items}  points {exporter.Metrics.Items}");
                }
            }
        }

        await FlushAsync(ct);
        await exporter.DrainAsync();
    }

    private async Task AddAsync(object item, long offset, CancellationToken ct)
    {
        switch (item)
        {
            case ReplaySpan span:
                _traces.Add(span, offset);
                InferredSpans += span.Inferred ? 1 : 0;
                if (_traces.Count >= batch)
                {
                    await SendTracesAsync(ct);
                }

                break;
            case NezhaLogLine line:
                _logs.Add(line, offset);
                if (_logs.Count >= batch)
                {
                    await SendLogsAsync(ct);
                }

                break;
            case NezhaMetricRow row:
                // A row carries a score of points: send first rather than let it push a request past the batch size.
                if (_metrics.Count > 0 && _metrics.Count + row.Values.Count > batch)
                {
                    await SendMetricsAsync(ct);
                }

                _metrics.Add(row, offset);
                if (_metrics.Count >= batch)
                {
                    await SendMetricsAsync(ct);
                }

                break;
        }
    }

    private async Task FlushAsync(CancellationToken ct)
    {
        if (_metrics.Count > 0)
        {
            await SendMetricsAsync(ct);
        }

        if (_traces.Count > 0)
        {
            await SendTracesAsync(ct);
        }

        if (_logs.Count > 0)
        {
            await SendLogsAsync(ct);
        }
    }

    private async Task SendTracesAsync(CancellationToken ct)
    {
        await exporter.SendAsync(_traces.Build(), _traces.Count, ct);
        _traces.Reset();
    }

    private async Task SendLogsAsync(CancellationToken ct)
    {
        await exporter.SendAsync(_logs.Build(), _logs.Count, ct);
        _logs.Reset();
    }

    private async Task SendMetricsAsync(CancellationToken ct)
    {
        await exporter.SendAsync(_metrics.Build(), _metrics.Count, ct);
        _metrics.Reset();
    }

    private static string Clock(long unixNano) => EventRange.Time(unixNano).ToString("HH:mm:ss", System.Globalization.CultureInfo.InvariantCulture);
}
