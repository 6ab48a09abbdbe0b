using OtlpGrains.Models.Simulation;

namespace OtlpGrains.Evaluate.Replay;

/// <summary>
/// Sends a <see cref="ReplayPlan"/>, or a simulation's items, in event-time order. Items gather per signal into requests of at most
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

    public RepeatedRows Repeated { get; } = new();

    public async Task RunAsync(ReplayPlan plan, CancellationToken ct)
    {
        var pace = new Pace(plan.Speed, plan.FirstShifted, time.GetUtcNow());
        foreach (ReplaySegment segment in plan.Segments)
        {
            output.WriteLine(
                $"{segment.Label}: {Clock(segment.Range.FromUnixNano)} to {Clock(segment.Range.ToUnixNano - 1)} of {segment.Source.Day:yyyy-MM-dd}, " +
                $"sent as {Clock(segment.FirstShifted)} to {Clock(segment.LastShifted)}");
            await SendAsync(NezhaTimeline.Events(segment.Source, segment.Range, Malformed, segment.Minutes, Repeated, segment.Metrics), segment.OffsetNanos, pace, ct);
        }

        await FlushAsync(ct);
        await exporter.DrainAsync();
    }

    /// <summary>
    /// Sends events already in event-time order and at their own times (a simulation's), paced from
    /// <paramref name="firstUnixNano"/> when a speed is given.
    /// </summary>
    public async Task RunAsync(IEnumerable<ReplayEvent> events, long firstUnixNano, double? speed, CancellationToken ct)
    {
        await SendAsync(events, 0, new Pace(speed, firstUnixNano, time.GetUtcNow()), ct);
        await FlushAsync(ct);
        await exporter.DrainAsync();
    }

    private async Task SendAsync(IEnumerable<ReplayEvent> events, long offsetNanos, Pace pace, CancellationToken ct)
    {
        foreach (ReplayEvent e in events)
        {
            ct.ThrowIfCancellationRequested();
            long shifted = e.TimeUnixNano + offsetNanos;
            if (pace.Speed is double speed && shifted >= pace.SliceEnd)
            {
                await FlushAsync(ct);
                DateTimeOffset due = pace.WallStart + TimeSpan.FromTicks((long)((shifted - pace.FirstShifted) / 100 / speed));
                TimeSpan wait = due - time.GetUtcNow();
                if (wait > TimeSpan.Zero)
                {
                    await Task.Delay(wait, time, ct);
                }

                pace.SliceEnd = shifted + pace.SliceNanos;
            }

            await AddAsync(e.Item, offsetNanos, ct);
            if (time.GetUtcNow() >= pace.NextProgress)
            {
                pace.NextProgress = time.GetUtcNow() + ProgressEvery;
                output.WriteLine(
                    $"  {(time.GetUtcNow() - pace.WallStart).TotalSeconds,6:0} s  at {Clock(e.TimeUnixNano)}  spans {exporter.Traces.Items}  " +
                    $"logs {exporter.Logs.Items}  points {exporter.Metrics.Items}");
            }
        }
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
            case SimulatedSpan span:
                _traces.Add(span);
                if (_traces.Count >= batch)
                {
                    await SendTracesAsync(ct);
                }

                break;
            case SimulatedLog log:
                _logs.Add(log);
                if (_logs.Count >= batch)
                {
                    await SendLogsAsync(ct);
                }

                break;
            case SimulatedGauge gauge:
                _metrics.Add(gauge);
                if (_metrics.Count >= batch)
                {
                    await SendMetricsAsync(ct);
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

    /// <summary>Where a run is in wall and event time: its start, the next progress line, and the paced slice.</summary>
    private sealed class Pace(double? speed, long firstShifted, DateTimeOffset wallStart)
    {
        public double? Speed { get; } = speed;

        public long FirstShifted { get; } = firstShifted;

        public DateTimeOffset WallStart { get; } = wallStart;

        public long SliceNanos { get; } = speed is double s ? (long)(FlushEvery.Ticks * 100 * s) : long.MaxValue;

        public long SliceEnd { get; set; } = long.MinValue;

        public DateTimeOffset NextProgress { get; set; } = wallStart + ProgressEvery;
    }

    private static string Clock(long unixNano) => EventRange.Time(unixNano).ToString("HH:mm:ss", System.Globalization.CultureInfo.InvariantCulture);
}
