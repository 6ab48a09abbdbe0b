using OtlpGrains.Interfaces;
using OtlpGrains.Models.Services;
using Xunit;

namespace OtlpGrains.Models.Tests.Services;

public sealed class RecentLogsTests
{
    private static readonly DateTimeOffset T0 = new(2026, 12, 4, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public void FindsByTimeAndTraceNewestFirst()
    {
        var logs = new RecentLogs();
        logs.Add(
        [
            Line(0, "started"),
            Line(1, "order 1 failed") with { TraceIdHigh = 7, TraceIdLow = 9, SpanId = 3 },
            Line(2, "order 2 placed"),
            Line(3, "order 3 failed") with { TraceIdHigh = 7, TraceIdLow = 9 },
        ],
        [1, 2, 3, 2]);

        Assert.Equal(["order 3 failed", "order 2 placed", "order 1 failed", "started"], Bodies(logs.Find(Query())));
        Assert.Equal(["order 2 placed", "order 1 failed"], Bodies(logs.Find(Query() with { From = T0.AddSeconds(1), To = T0.AddSeconds(3) })));
        Assert.Equal(["order 3 failed", "order 1 failed"], Bodies(logs.Find(Query() with { TraceIdHigh = 7, TraceIdLow = 9 })));
        Assert.Equal(["order 3 failed"], Bodies(logs.Find(Query() with { Limit = 1 })));
        Assert.Empty(logs.Find(Query() with { TraceIdHigh = 7, TraceIdLow = 8 }));
        Assert.Equal(["order 3 failed", "order 1 failed"], Bodies(logs.Find(Query() with { Template = 2 })));
        Assert.Equal([2, 3, 2, 1], logs.Find(Query()).Select(r => r.Template));
    }

    [Fact]
    public void KeepsTheLastRecordsWithinBothBounds()
    {
        var logs = new RecentLogs();
        for (int i = 0; i < RecentLogs.MaxRecords + 500; i++)
        {
            logs.Add([Line(i, $"line {i}")], [1]);
        }

        Assert.Equal(RecentLogs.MaxRecords, logs.Count);
        Assert.Equal($"line {RecentLogs.MaxRecords + 499}", logs.Find(Query() with { Limit = 1 })[0].Line.Body);

        // Big bodies: the oldest go until the characters fit, and what is left is the newest.
        string big = new('x', LogLimits.MaxBodyChars);
        for (int i = 0; i < 300; i++)
        {
            logs.Add([Line(i, big)], [2]);
        }

        Assert.InRange(logs.BodyChars, 0, RecentLogs.MaxBodyChars);
        Assert.Equal((int)(RecentLogs.MaxBodyChars / LogLimits.MaxBodyChars), logs.Count);
        Assert.All(logs.Find(Query() with { Limit = LogQuery.MaxLimit }), l => Assert.Equal(big, l.Line.Body));
    }

    private static LogQuery Query() => new(null, null, 0, 0, LogQuery.MaxLimit);

    private static LogLine Line(int second, string body) =>
        new LogLine((T0.AddSeconds(second) - DateTimeOffset.UnixEpoch).Ticks * 100, 9) { Body = body };

    private static string[] Bodies(RetainedLog[] records) => [.. records.Select(r => r.Line.Body)];
}
