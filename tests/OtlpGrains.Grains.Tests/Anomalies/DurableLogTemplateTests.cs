using OtlpGrains.Interfaces;
using Xunit;

namespace OtlpGrains.Grains.Tests.Anomalies;

/// <summary>
/// Log templates through a crash: a service grain that deactivates and then replays its log keeps every template id
/// and gives the same templates and log anomaly events as a twin that never lost anything, and a surge of a new
/// ERROR template raises a <c>logs</c> event naming it, whose exemplars carry the trace ids that came in.
/// </summary>
[Collection(DurableDetectionCollection.Name)]
public sealed class DurableLogTemplateTests(DurableServiceFixture fixture)
{
    private const long Second = 1_000_000_000;
    private const long Width = 10 * Second;
    private const int Surge = 650;

    [Fact]
    public async Task TemplatesAndLogEventsSurviveACrashAndReplay()
    {
        var crashed = fixture.Grains.GetGrain<IServiceGrain>($"logs-crashed-{Guid.NewGuid():N}");
        var twin = fixture.Grains.GetGrain<IServiceGrain>($"logs-twin-{Guid.NewGuid():N}");
        long origin = (DateTimeOffset.UtcNow.AddHours(-3).ToUnixTimeSeconds() / 10 * 10) * Second;
        var random = new Random(11);
        ServiceLogBatch[] batches = [.. Enumerable.Range(0, 700).Select(w => Batch(origin + (w * Width), random, w == Surge))];

        async Task FeedAsync(int from, int to)
        {
            for (int w = from; w < to; w++)
            {
                await crashed.IngestLogsAsync(batches[w]);
                await twin.IngestLogsAsync(batches[w]);
            }
        }

        await CrashReplay.RunAsync(FeedAsync, () => crashed.IngestLogsAsync(Batch(origin, random, false)).AsTask(), 300, 500, 700);

        AnomalyEvent surge = Assert.Single(await twin.GetAnomaliesAsync(null), e => e.Signal == "logs");
        LogTemplateRef template = surge.Templates[0];
        Assert.Equal("payment <*> declined by issuer", template.Text);
        Assert.Equal("ERROR", template.Severity);
        Assert.True(template.New);
        Assert.Equal(
            (await twin.GetAnomaliesAsync(null)).Select(e => (e.WindowStart, e.Score, e.Severity, string.Join('|', e.Templates.Select(t => $"{t.Id}:{t.Text}")))),
            (await crashed.GetAnomaliesAsync(null)).Select(e => (e.WindowStart, e.Score, e.Severity, string.Join('|', e.Templates.Select(t => $"{t.Id}:{t.Text}")))));

        LogTemplateSummary[] expected = await twin.GetLogTemplatesAsync(null, null);
        LogTemplateSummary[] actual = await crashed.GetLogTemplatesAsync(null, null);
        Assert.Equal(expected.Select(t => (t.Id, t.Template, t.Count, t.Severity)), actual.Select(t => (t.Id, t.Template, t.Count, t.Severity)));
        LogTemplateSummary declined = expected.Single(t => t.Id == template.Id);
        Assert.All(declined.Exemplars, e => Assert.True(e.HasTrace));
        Assert.Equal(3, declined.Exemplars.Length);
    }

    // A window's ordinary logins, and in the surge window forty declined payments, each in its own trace.
    private static ServiceLogBatch Batch(long windowStart, Random random, bool surge)
    {
        var lines = new List<LogLine>();
        for (int i = random.Next(5, 15); i > 0; i--)
        {
            lines.Add(new LogLine(windowStart + Second, 9) { Body = $"user {random.Next(1000)} logged in from 10.0.{random.Next(255)}.{random.Next(255)}" });
        }

        for (int i = 0; surge && i < 40; i++)
        {
            lines.Add(new LogLine(windowStart + (2 * Second), 17)
            {
                Body = $"payment {random.Next(100_000)} declined by issuer",
                TraceIdHigh = (ulong)random.NextInt64(1, long.MaxValue),
                TraceIdLow = (ulong)random.NextInt64(1, long.MaxValue),
                SpanId = (ulong)random.NextInt64(1, long.MaxValue),
            });
        }

        return new ServiceLogBatch(Guid.NewGuid(), [.. lines]);
    }
}
