using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Orleans.Serialization;
using OtlpGrains.Models.Services;
using OtlpGrains.Models.Statistics;
using OtlpGrains.Interfaces;
using Xunit;

namespace OtlpGrains.Models.Tests;

/// <summary>The statistics must survive the Orleans serializer, so that a grain can checkpoint them as state.</summary>
public sealed class StatisticsSerializationTests : IDisposable
{
    private const long Second = 1_000_000_000;
    private const long T0 = 1_700_000_000 * Second;

    private readonly ServiceProvider _services = new ServiceCollection().AddSerializer().BuildServiceProvider();

    public void Dispose() => _services.Dispose();

    [Fact]
    public void LatencyHistogramRoundTrips()
    {
        var histogram = new LatencyHistogram();
        foreach (long nanos in new long[] { 0, 2_000_000, 7_500_000, 90_000_000, 1_200_000_000 })
        {
            histogram.RecordNanos(nanos);
        }

        LatencyHistogram copy = RoundTrip(histogram);

        Assert.Equal(histogram.Count, copy.Count);
        Assert.Equal(histogram.SumMs, copy.SumMs);
        Assert.Equal(histogram.Summary(), copy.Summary());
        Assert.Equal(histogram.QuantileMs(0.2), copy.QuantileMs(0.2));
    }

    [Fact]
    public void ServiceStatisticsRoundTrips()
    {
        var statistics = new ServiceStatistics(
            new ServiceWindowOptions { MaxOperations = 1 },
            new FakeTimeProvider(DateTimeOffset.FromUnixTimeSeconds(1_700_000_100)));
        statistics.AddSpans(new ServiceSpanBatch(
            Guid.NewGuid(),
            ["GET /a", "GET /b"],
            [
                new ServiceSpan(T0 + (1 * Second), 12_000_000, 0, SpanKindCode.Server, SpanRole.Request | SpanRole.Error),
                new ServiceSpan(T0 + (15 * Second), 3_000_000, 1, SpanKindCode.Server, SpanRole.Request),
            ]));
        statistics.AddEdgeCalls([new EdgeCall("redis", true, T0 + (2 * Second), 1_000_000, false)]);
        statistics.AddMetrics(new ServiceMetricBatch(Guid.NewGuid(), ["cpu"], [new MetricPoint(0, MetricKind.Gauge, T0, 0.5, 1)]));
        statistics.AddLogs(new ServiceLogBatch(Guid.NewGuid(), [new LogLine(T0 + (3 * Second), 17)]));

        ServiceStatistics copy = RoundTrip(statistics);

        ServiceDetail expected = statistics.Detail("svc", null, null);
        ServiceDetail actual = copy.Detail("svc", null, null);
        Assert.Equal((expected.Spans, expected.Requests, expected.Errors), (actual.Spans, actual.Requests, actual.Errors));
        Assert.Equal(expected.LatencyMs, actual.LatencyMs);
        Assert.Equal(expected.Series, actual.Series);
        Assert.Equal(expected.Operations, actual.Operations);
        Assert.Equal(expected.Downstream, actual.Downstream);
        Assert.Equal(expected.Logs.BySeverity, actual.Logs.BySeverity);
        Assert.Equal(expected.Metrics[0].Points, actual.Metrics[0].Points);
        Assert.Equal(expected.Totals.LatencyBucketCounts, actual.Totals.LatencyBucketCounts);
        Assert.Equal(statistics.Summary("svc"), copy.Summary("svc"));
        Assert.Equal(statistics.OperationP99(ServiceStatistics.OtherOperation), copy.OperationP99(ServiceStatistics.OtherOperation));
    }

    private T RoundTrip<T>(T value)
    {
        Serializer serializer = _services.GetRequiredService<Serializer>();
        T? copy = serializer.Deserialize<T>(serializer.SerializeToArray(value));
        Assert.NotNull(copy);
        return copy;
    }
}
