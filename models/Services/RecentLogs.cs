using OtlpGrains.Interfaces;
using OtlpGrains.Models.Statistics;

namespace OtlpGrains.Models.Services;

/// <summary>
/// A service's most recent log records, for the API: a ring of the last <see cref="MaxRecords"/> records in arrival
/// order, which also gives up its oldest records while their bodies hold more than <see cref="MaxBodyChars"/>
/// characters. In memory only: not part of the grain's checkpoint (it would rewrite megabytes every few seconds),
/// so it starts empty when a grain activates, and in durable mode refills from the batches a restart replays.
/// </summary>
public sealed class RecentLogs
{
    /// <summary>Records kept per service.</summary>
    public const int MaxRecords = 2000;

    /// <summary>Body characters kept per service (about 2 MiB of UTF-16).</summary>
    public const long MaxBodyChars = 1_000_000;

    private readonly LogLine[] _ring = new LogLine[MaxRecords];
    private readonly int[] _templates = new int[MaxRecords];
    private int _oldest;
    private int _count;
    private long _bodyChars;

    /// <summary>Records held now.</summary>
    public int Count => _count;

    /// <summary>Body characters held now.</summary>
    public long BodyChars => _bodyChars;

    /// <summary>
    /// Keeps <paramref name="lines"/> with their template ids (<paramref name="templates"/>, one per line), giving up
    /// the oldest records past either bound.
    /// </summary>
    public void Add(ReadOnlySpan<LogLine> lines, ReadOnlySpan<int> templates)
    {
        for (int i = 0; i < lines.Length; i++)
        {
            ref readonly LogLine line = ref lines[i];
            if (_count == MaxRecords)
            {
                DropOldest();
            }

            int slot = (_oldest + _count) % MaxRecords;
            _ring[slot] = line;
            _templates[slot] = templates[i];
            _count++;
            _bodyChars += line.Body.Length;
            while (_bodyChars > MaxBodyChars && _count > 1)
            {
                DropOldest();
            }
        }
    }

    /// <summary>The records that match <paramref name="query"/>, newest (by arrival) first, with their template ids.</summary>
    public RetainedLog[] Find(LogQuery query)
    {
        ArgumentNullException.ThrowIfNull(query);
        long from = UnixNanos.FromOptional(query.From, long.MinValue);
        long to = UnixNanos.FromOptional(query.To, long.MaxValue);
        bool anyTrace = (query.TraceIdHigh | query.TraceIdLow) == 0;
        int limit = Math.Clamp(query.Limit, 0, LogQuery.MaxLimit);
        var found = new List<RetainedLog>(Math.Min(limit, _count));
        for (int i = _count - 1; i >= 0 && found.Count < limit; i--)
        {
            int slot = (_oldest + i) % MaxRecords;
            ref readonly LogLine line = ref _ring[slot];
            if (line.TimeUnixNano >= from && line.TimeUnixNano < to &&
                (query.Template is not { } template || _templates[slot] == template) &&
                (anyTrace || (line.TraceIdHigh == query.TraceIdHigh && line.TraceIdLow == query.TraceIdLow)))
            {
                found.Add(new RetainedLog(line, _templates[slot]));
            }
        }

        return [.. found];
    }

    private void DropOldest()
    {
        _bodyChars -= _ring[_oldest].Body.Length;
        _ring[_oldest] = default;
        _oldest = (_oldest + 1) % MaxRecords;
        _count--;
    }
}
