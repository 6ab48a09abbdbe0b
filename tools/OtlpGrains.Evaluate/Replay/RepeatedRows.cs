namespace OtlpGrains.Evaluate.Replay;

/// <summary>
/// Drops rows a minute file repeats from the files before it. A Nezha file holds rows from up to two minutes before
/// its name, and now and then it holds all of the previous file's last minute again (<c>08_53</c> repeats 2,853 spans
/// of <c>08_52</c> on the shipped day): sent twice, one span would be two, and each of its log lines two, which reads
/// as a change of code path on every service at once. A span is known by its trace and span ids, a log line by its
/// time, pod, span and text. Keeps the keys of the last two files; counts what it drops.
/// </summary>
internal sealed class RepeatedRows
{
    private readonly Queue<HashSet<(long Time, string Pod, string TraceId, string SpanId, string Text)>> _recent = new();

    public long Count { get; private set; }

    /// <summary>Removes from one minute's events those the previous two minutes had, and remembers this minute's.</summary>
    public List<ReplayEvent> Fresh(List<ReplayEvent> events)
    {
        ArgumentNullException.ThrowIfNull(events);
        var keys = new HashSet<(long, string, string, string, string)>(events.Count);
        var fresh = new List<ReplayEvent>(events.Count);
        foreach (ReplayEvent e in events)
        {
            var key = Key(e.Item);
            if (_recent.Any(seen => seen.Contains(key)))
            {
                Count++;
                continue;
            }

            keys.Add(key);
            fresh.Add(e);
        }

        if (_recent.Count == 2)
        {
            _recent.Dequeue();
        }

        _recent.Enqueue(keys);
        return fresh;
    }

    private static (long, string, string, string, string) Key(object item) => item switch
    {
        ReplaySpan span => (0, "", span.TraceId, span.SpanId, ""),
        NezhaLogLine line => (line.TimeUnixNano, line.Pod, line.TraceId, line.SpanId, line.Text),
        _ => throw new ArgumentException($"not a minute file's row: {item.GetType().Name}", nameof(item)),
    };
}
