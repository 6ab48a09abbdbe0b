namespace OtlpGrains.Evaluate.Replay;

/// <summary>
/// The events of a <see cref="NezhaSource"/> in event-time order. Minute files overlap at their edges (a span that
/// ends after the next file's first span), so each minute is merged with the next before its events are given;
/// at most two minute files are in memory. The whole-day metric files are read row by row and merged in.
/// </summary>
internal static class NezhaTimeline
{
    // A file named HH_MM holds rows from up to two minutes before (110 s on this day) to a few seconds after it.
    private static readonly TimeSpan FileReach = TimeSpan.FromMinutes(2);

    /// <summary>
    /// The events in <paramref name="range"/>: from <paramref name="minutes"/> when given (a recorded run), else from
    /// the minute files whose rows can reach into the range; and the metric rows in <paramref name="metrics"/> (null:
    /// the range).
    /// </summary>
    public static IEnumerable<ReplayEvent> Events(
        NezhaSource source, EventRange range, MalformedRows? malformed = null, IReadOnlyList<NezhaMinute>? minutes = null, RepeatedRows? repeated = null,
        EventRange? metrics = null) =>
        SortedMerge.Of(
            [MinuteEvents(source, range, malformed, minutes, repeated ?? new RepeatedRows()), MetricEvents(source, metrics ?? range, malformed)],
            e => e.TimeUnixNano);

    /// <summary>From the first to just after the last event of the trace and log files (the metric files cover more).</summary>
    public static EventRange Extent(NezhaSource source)
    {
        // Torn rows are skipped here and counted when the replay reads the files.
        var ignored = new MalformedRows();
        List<ReplayEvent> first = Load(source.Minutes[0], null, ignored);
        List<ReplayEvent> last = source.Minutes.Count == 1 ? first : Load(source.Minutes[^1], null, ignored);
        if (first.Count == 0 || last.Count == 0)
        {
            throw new ReplayInputException($"{source.Directory}: the first or last minute's files have no rows");
        }

        return new EventRange(first[0].TimeUnixNano, last[^1].TimeUnixNano + 1);
    }

    /// <summary>
    /// The recorded stretches: runs of consecutively named minutes, each with the exact span of its rows (a file
    /// may hold rows from up to two minutes before its name, so names alone do not bound a run). Reads every minute
    /// file once, one at a time.
    /// </summary>
    public static IReadOnlyList<(IReadOnlyList<NezhaMinute> Minutes, EventRange Range)> Runs(NezhaSource source)
    {
        var runs = new List<(IReadOnlyList<NezhaMinute>, EventRange)>();
        var run = new List<NezhaMinute>();
        long from = long.MaxValue, to = long.MinValue;
        var ignored = new MalformedRows();
        foreach (NezhaMinute minute in source.Minutes)
        {
            if (run.Count > 0 && minute.Named - run[^1].Named > TimeSpan.FromMinutes(1))
            {
                Close();
            }

            run.Add(minute);
            List<ReplayEvent> events = Load(minute, null, ignored);
            if (events.Count > 0)
            {
                from = Math.Min(from, events[0].TimeUnixNano);
                to = Math.Max(to, events[^1].TimeUnixNano + 1);
            }
        }

        Close();
        return runs;

        void Close()
        {
            if (from < to)
            {
                runs.Add(([.. run], new EventRange(from, to)));
            }

            run.Clear();
            (from, to) = (long.MaxValue, long.MinValue);
        }
    }

    /// <summary>One minute's spans (kinds inferred, errors from its ERROR log lines) and log lines, in time order.</summary>
    internal static List<ReplayEvent> Load(NezhaMinute minute, EventRange? range, MalformedRows? malformed)
    {
        List<NezhaLogLine> logs = minute.LogFile is null ? [] : NezhaLogFile.Read(minute.LogFile, malformed);
        var errorSpans = new HashSet<(string, string)>();
        foreach (NezhaLogLine line in logs)
        {
            if (line.SeverityNumber >= NezhaLogLine.ErrorSeverity && line.SpanId.Length > 0)
            {
                errorSpans.Add((line.TraceId, line.SpanId));
            }
        }

        List<ReplaySpan> spans = minute.TraceFile is null ? [] : SpanKindInference.Infer(NezhaTraceFile.Read(minute.TraceFile, malformed), errorSpans);
        var events = new List<ReplayEvent>(spans.Count + logs.Count);
        events.AddRange(spans.Select(s => new ReplayEvent(s.EndUnixNano, s)));
        events.AddRange(logs.Select(l => new ReplayEvent(l.TimeUnixNano, l)));
        if (range is { } r)
        {
            events.RemoveAll(e => !r.Contains(e.TimeUnixNano));
        }

        // Stable: equal times keep file order, so a replay is repeatable.
        return [.. events.OrderBy(e => e.TimeUnixNano)];
    }

    private static IEnumerable<ReplayEvent> MinuteEvents(
        NezhaSource source, EventRange range, MalformedRows? malformed, IReadOnlyList<NezhaMinute>? chosen, RepeatedRows repeated)
    {
        DateTimeOffset from = EventRange.Time(range.FromUnixNano) - FileReach, to = EventRange.Time(range.ToUnixNano) + FileReach;
        List<NezhaMinute> minutes = chosen is null ? [.. source.Minutes.Where(m => m.Named >= from && m.Named <= to)] : [.. chosen];
        var pending = new PriorityQueue<ReplayEvent, (long Time, long Order)>();
        long order = 0;
        int next = 0;
        List<ReplayEvent>? staged = Stage(minutes, ref next, range, malformed, repeated);
        while (true)
        {
            if (staged is not null && (pending.Count == 0 || pending.Peek().TimeUnixNano >= staged[0].TimeUnixNano))
            {
                foreach (ReplayEvent e in staged)
                {
                    pending.Enqueue(e, (e.TimeUnixNano, order++));
                }

                staged = Stage(minutes, ref next, range, malformed, repeated);
                continue;
            }

            if (!pending.TryDequeue(out ReplayEvent item, out _))
            {
                yield break;
            }

            yield return item;
        }
    }

    /// <summary>The next minute with events in the range not repeated from the minutes before, or null when there is none.</summary>
    private static List<ReplayEvent>? Stage(List<NezhaMinute> minutes, ref int next, EventRange range, MalformedRows? malformed, RepeatedRows repeated)
    {
        while (next < minutes.Count)
        {
            List<ReplayEvent> events = repeated.Fresh(Load(minutes[next++], range, malformed));
            if (events.Count > 0)
            {
                return events;
            }
        }

        return null;
    }

    private static IEnumerable<ReplayEvent> MetricEvents(NezhaSource source, EventRange range, MalformedRows? malformed) =>
        SortedMerge.Of(
            [.. source.MetricFiles.Select(file => NezhaMetricFile.Rows(file, malformed)
                // Each file's rows are in time order (the merge relies on it too): stop reading past the range.
                .SkipWhile(row => row.TimeUnixNano < range.FromUnixNano)
                .TakeWhile(row => row.TimeUnixNano < range.ToUnixNano)
                .Select(row => new ReplayEvent(row.TimeUnixNano, row)))],
            e => e.TimeUnixNano);
}
