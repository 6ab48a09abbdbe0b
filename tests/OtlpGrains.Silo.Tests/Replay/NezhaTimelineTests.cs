using OtlpGrains.Evaluate.Replay;
using OtlpGrains.TestSupport;
using Xunit;

namespace OtlpGrains.Silo.Tests.Replay;

/// <summary>The shipped day's events come in time order, across minute files and the metric files.</summary>
public sealed class NezhaTimelineTests
{
    [Fact]
    public void TwoMinutesComeInTimeOrderWithEverySignal()
    {
        NezhaSource source = NezhaDataset.Open(SharedData.Directory("nezha-tt-2023-01-29")).Faults;
        var range = new EventRange(
            EventRange.UnixNanos(new DateTimeOffset(2023, 1, 29, 8, 42, 30, TimeSpan.Zero)),
            EventRange.UnixNanos(new DateTimeOffset(2023, 1, 29, 8, 44, 30, TimeSpan.Zero)));

        List<ReplayEvent> events = [.. NezhaTimeline.Events(source, range)];

        Assert.True(events.Count > 1000, $"only {events.Count} events");
        Assert.All(events, e => Assert.True(range.Contains(e.TimeUnixNano)));
        for (int i = 1; i < events.Count; i++)
        {
            Assert.True(events[i - 1].TimeUnixNano <= events[i].TimeUnixNano, $"event {i} goes back in time");
        }

        Assert.Contains(events, e => e.Item is ReplaySpan { Inferred: true, Kind: OpenTelemetry.Proto.Trace.V1.Span.Types.SpanKind.Client });
        Assert.Contains(events, e => e.Item is NezhaLogLine);
        // Two metric rows per pod file (08:43:10 and 08:44:10), 47 files.
        Assert.Equal(2 * source.MetricFiles.Count, events.Count(e => e.Item is NezhaMetricRow));
        // The 08_43 and 08_44 files overlap the range's edges: spans of both are in.
        Assert.Contains(events, e => e.Item is ReplaySpan s && s.EndUnixNano < EventRange.UnixNanos(new DateTimeOffset(2023, 1, 29, 8, 43, 0, TimeSpan.Zero)));
        Assert.Contains(events, e => e.Item is ReplaySpan s && s.EndUnixNano > EventRange.UnixNanos(new DateTimeOffset(2023, 1, 29, 8, 44, 0, TimeSpan.Zero)));
    }

    [Fact]
    public void ARowThatTheNextMinuteFileRepeatsIsSentOnce()
    {
        // 08_53 holds 08_52's last minute again, every span and line of it.
        NezhaSource source = NezhaDataset.Open(SharedData.Directory("nezha-tt-2023-01-29")).Faults;
        var range = new EventRange(EventRange.UnixNanos(At(8, 51, 50)), EventRange.UnixNanos(At(8, 53, 10)));
        var repeated = new RepeatedRows();

        List<ReplayEvent> events = [.. NezhaTimeline.Events(source, range, repeated: repeated)];

        var spans = events.Select(e => e.Item).OfType<ReplaySpan>().ToList();
        var lines = events.Select(e => e.Item).OfType<NezhaLogLine>().ToList();
        Assert.True(spans.Count > 1000 && lines.Count > 500, $"{spans.Count} spans, {lines.Count} lines");
        Assert.Equal(spans.Count, spans.Select(s => (s.TraceId, s.SpanId)).Distinct().Count());
        Assert.Equal(lines.Count, lines.Select(l => (l.TimeUnixNano, l.Pod, l.SpanId, l.Text)).Distinct().Count());
        Assert.True(repeated.Count > 2000, $"only {repeated.Count} repeated rows dropped");
    }

    [Fact]
    public void ExtentRunsFromTheFirstToTheLastRecordedEvent()
    {
        NezhaSource source = NezhaDataset.Open(SharedData.Directory("nezha-tt-2023-01-29")).Faults;

        EventRange extent = NezhaTimeline.Extent(source);

        DateTimeOffset from = EventRange.Time(extent.FromUnixNano), to = EventRange.Time(extent.ToUnixNano);
        Assert.InRange(from, At(8, 42, 9), At(8, 42, 10));
        Assert.InRange(to, At(15, 44, 0), At(15, 45, 0));
    }

    [Fact]
    public void MissingFolderIsRefusedInOneLine()
    {
        var e = Assert.Throws<ReplayInputException>(() => NezhaDataset.Open("/nonexistent/nezha"));

        Assert.Equal("/nonexistent/nezha: no rca_data folder (expected a Nezha data set such as nezha-tt-2023-01-29)", e.Message);
    }

    private static DateTimeOffset At(int hour, int minute, int second) => new(2023, 1, 29, hour, minute, second, TimeSpan.Zero);
}
