using Google.Protobuf;
using Microsoft.Extensions.Time.Testing;
using OpenTelemetry.Proto.Collector.Logs.V1;
using OpenTelemetry.Proto.Collector.Metrics.V1;
using OpenTelemetry.Proto.Collector.Trace.V1;
using OtlpGrains.Evaluate.Replay;
using OtlpGrains.TestSupport;
using Xunit;

namespace OtlpGrains.Silo.Tests.Replay;

/// <summary>
/// The engine on a fake clock against a recording invoker: paced and shifted to now, no item is ever sent ahead of
/// the clock, each signal's requests follow event time, and requests stay within the batch size.
/// </summary>
public sealed class ReplayEngineTests
{
    private static readonly DateTimeOffset Start = new(2026, 12, 4, 22, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task PacedReplayShiftedToNowNeverRunsAheadOfTheClock()
    {
        var time = new FakeTimeProvider(Start);
        var invoker = new RecordingOtlpInvoker(time);
        string directory = SharedData.Directory("nezha-tt-2023-01-29");
        ReplayOptions options = ReplayOptions.Parse(
            [directory, "--from", "08:42", "--to", "08:44", "--with-history", "--speed", "60", "--shift-to", "now", "--batch", "200"], out _)!;
        ReplayPlan plan = ReplayPlan.Build(NezhaDataset.Open(directory), options, time.GetUtcNow());
        await using var exporter = new OtlpExporter(invoker, maxInFlight: 4, time);
        var engine = new ReplayEngine(exporter, options.Batch, time, TextWriter.Null);

        Task run = Task.Run(() => engine.RunAsync(plan, CancellationToken.None));
        while (!run.IsCompleted)
        {
            time.Advance(TimeSpan.FromMilliseconds(50));
            await Task.WhenAny(run, Task.Delay(2));
        }

        await run;
        Assert.True(invoker.Sent.Count > 20, $"only {invoker.Sent.Count} requests");
        Assert.All(invoker.Sent, sent => Assert.True(Times(sent.Request).Max() <= EventRange.UnixNanos(sent.At), "an item was sent ahead of the clock"));
        Assert.All(invoker.Sent, sent => Assert.InRange(Times(sent.Request).Count, 1, 200));
        foreach (var signal in invoker.Sent.GroupBy(s => s.Request.GetType()))
        {
            var requests = signal.Select(s => Times(s.Request)).ToList();
            for (int i = 1; i < requests.Count; i++)
            {
                Assert.True(requests[i - 1].Max() <= requests[i].Min(), $"{signal.Key.Name} request {i} goes back in time");
            }
        }

        long items = invoker.Sent.Sum(s => Times(s.Request).Count);
        Assert.Equal(exporter.Traces.Acknowledged + exporter.Logs.Acknowledged + exporter.Metrics.Acknowledged, items);
        // The replayed range lasts 2 minutes plus the history's 3: at 60x, about 5 s of the fake clock go by, and the
        // engine must have waited for them. No upper bound: the loop above moves that clock on real time, so on a
        // loaded machine it runs ahead of a lagging engine (9.85 s once, 22.6 s in a suite on a slower machine), and a
        // bound would measure the machine rather than the pacing.
        Assert.True(time.GetUtcNow() - Start >= TimeSpan.FromSeconds(4), $"the replay took {time.GetUtcNow() - Start} of the clock, under the 5 s it spans at 60x");
    }

    [Fact]
    public async Task UnavailableIsRetriedAndThenAcknowledged()
    {
        var time = new FakeTimeProvider(Start);
        var invoker = new RecordingOtlpInvoker(time, failFirst: 2);
        await using var exporter = new OtlpExporter(invoker, maxInFlight: 1, time);
        var request = new ExportLogsServiceRequest();

        await exporter.SendAsync(request, items: 3, CancellationToken.None);
        Task drained = exporter.DrainAsync();
        while (!drained.IsCompleted)
        {
            time.Advance(TimeSpan.FromMilliseconds(100));
            await Task.WhenAny(drained, Task.Delay(2));
        }

        await drained;
        Assert.Single(invoker.Sent);
        Assert.Equal((3L, 3L, 0L), (exporter.Logs.Items, exporter.Logs.Acknowledged, exporter.Logs.FailedItems));
        Assert.Contains("retries 2, failed requests 0", exporter.Logs.ToString(), StringComparison.Ordinal);
    }

    private static List<long> Times(IMessage request) => request switch
    {
        ExportTraceServiceRequest traces => [.. traces.ResourceSpans.SelectMany(r => r.ScopeSpans).SelectMany(s => s.Spans).Select(s => (long)s.EndTimeUnixNano)],
        ExportLogsServiceRequest logs => [.. logs.ResourceLogs.SelectMany(r => r.ScopeLogs).SelectMany(s => s.LogRecords).Select(l => (long)l.TimeUnixNano)],
        ExportMetricsServiceRequest metrics => [.. metrics.ResourceMetrics.SelectMany(r => r.ScopeMetrics).SelectMany(s => s.Metrics).SelectMany(m => m.Gauge.DataPoints).Select(p => (long)p.TimeUnixNano)],
        _ => throw new InvalidOperationException(request.GetType().Name),
    };
}
