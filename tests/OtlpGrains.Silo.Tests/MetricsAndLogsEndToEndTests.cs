using Xunit;
using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using OpenTelemetry;
using OpenTelemetry.Exporter;
using OpenTelemetry.Logs;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;

namespace OtlpGrains.Silo.Tests;

/// <summary>OTLP metrics and logs from the OpenTelemetry .NET SDK land in the service's windows.</summary>
[Collection(SiloCollection.Name)]
public sealed partial class MetricsAndLogsEndToEndTests(SiloFixture silo)
{
    [Fact]
    public async Task SdkMetricsAreKeptAsNamedSeries()
    {
        var service = $"e2e-metrics-{Guid.NewGuid():N}"[..24];
        using var meter = new Meter($"{service}.meter");
        var orders = meter.CreateCounter<long>("orders_placed");
        using (var provider = Sdk.CreateMeterProviderBuilder()
            .SetResourceBuilder(ResourceBuilder.CreateEmpty().AddService(service))
            .AddMeter(meter.Name)
            .AddOtlpExporter(o => { o.Protocol = OtlpExportProtocol.Grpc; o.Endpoint = silo.GrpcEndpoint; })
            .Build())
        {
            for (var i = 1; i <= 5; i++)
            {
                orders.Add(i);
            }

            Assert.True(provider.ForceFlush(10_000));
        }

        var detail = await SiloFixture.EventuallyAsync(
            () => silo.Api.GetFromJsonAsync<JsonElement>($"/api/v1/services/{service}"),
            d => d.TryGetProperty("metrics", out var m) && m.GetArrayLength() > 0);
        var series = detail.GetProperty("metrics").EnumerateArray().Single(m => m.GetProperty("name").GetString() == "orders_placed");
        Assert.Equal("sum", series.GetProperty("type").GetString());
        var last = series.GetProperty("points").EnumerateArray().Last();
        Assert.Equal(15, last.GetProperty("last").GetDouble()); // cumulative: 1+2+3+4+5
    }

    [Fact]
    public async Task SdkLogsAreCountedBySeverity()
    {
        var service = $"e2e-logs-{Guid.NewGuid():N}"[..24];
        using (var factory = LoggerFactory.Create(logging => logging.AddOpenTelemetry(o =>
        {
            o.SetResourceBuilder(ResourceBuilder.CreateEmpty().AddService(service));
            o.AddOtlpExporter(e => { e.Protocol = OtlpExportProtocol.HttpProtobuf; e.Endpoint = new Uri(silo.HttpEndpoint, "/v1/logs"); });
        })))
        {
            var logger = factory.CreateLogger("checkout");
            for (var i = 0; i < 3; i++)
            {
                LogPlaced(logger, i);
            }

            LogSlow(logger);
            LogFailed(logger, "card declined");
            LogFailed(logger, "timeout");
        }

        var detail = await SiloFixture.EventuallyAsync(
            () => silo.Api.GetFromJsonAsync<JsonElement>($"/api/v1/services/{service}"),
            d => d.TryGetProperty("logs", out var l) && l.GetProperty("total").GetInt64() == 6);
        var logs = detail.GetProperty("logs");
        Assert.Equal(6, logs.GetProperty("total").GetInt64());
        var bySeverity = logs.GetProperty("bySeverity");
        Assert.Equal(3, bySeverity.GetProperty("INFO").GetInt64());
        Assert.Equal(1, bySeverity.GetProperty("WARN").GetInt64());
        Assert.Equal(2, bySeverity.GetProperty("ERROR").GetInt64());
    }

    [Fact]
    public async Task SdkLogsKeepTheirBodiesAndTraces()
    {
        var service = $"e2e-bodies-{Guid.NewGuid():N}"[..24];
        using var source = new ActivitySource($"{service}.source");
        using var listener = new ActivityListener
        {
            ShouldListenTo = s => s.Name == source.Name,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
        };
        ActivitySource.AddActivityListener(listener);
        ActivityTraceId traceId;
        ActivitySpanId spanId;
        using (var factory = LoggerFactory.Create(logging => logging.AddOpenTelemetry(o =>
        {
            o.IncludeFormattedMessage = true;
            o.SetResourceBuilder(ResourceBuilder.CreateEmpty().AddService(service));
            o.AddOtlpExporter(e => { e.Protocol = OtlpExportProtocol.Grpc; e.Endpoint = silo.GrpcEndpoint; });
        })))
        {
            var logger = factory.CreateLogger("checkout");
            LogPlaced(logger, 41);
            using (var activity = source.StartActivity("pay")!)
            {
                traceId = activity.TraceId;
                spanId = activity.SpanId;
                LogFailed(logger, "card declined");
            }

            LogPlaced(logger, 42);
            LogPlaced(logger, 43);
        }

        var all = await SiloFixture.EventuallyAsync(
            () => silo.Api.GetFromJsonAsync<JsonElement>($"/api/v1/services/{service}/logs"),
            d => d.GetProperty("records").GetArrayLength() == 4);
        var records = all.GetProperty("records").EnumerateArray().Reverse().ToArray();
        Assert.Equal("order 41 placed", records[0].GetProperty("body").GetString());
        Assert.Equal(JsonValueKind.Null, records[0].GetProperty("traceId").ValueKind);
        Assert.Equal("payment failed: card declined", records[1].GetProperty("body").GetString());
        Assert.Equal(17, records[1].GetProperty("severityNumber").GetInt32());
        Assert.Equal(traceId.ToHexString(), records[1].GetProperty("traceId").GetString());
        Assert.Equal(spanId.ToHexString(), records[1].GetProperty("spanId").GetString());

        // The miner put the orders under one template, and the failure under another, with its trace as exemplar.
        int placed = records[0].GetProperty("template").GetInt32();
        Assert.Equal(placed, records[3].GetProperty("template").GetInt32());
        var ofPlaced = await silo.Api.GetFromJsonAsync<JsonElement>($"/api/v1/services/{service}/logs?template={placed}");
        Assert.Equal(3, ofPlaced.GetProperty("records").GetArrayLength());
        var templates = await SiloFixture.EventuallyAsync(
            () => silo.Api.GetFromJsonAsync<JsonElement>($"/api/v1/services/{service}/logs/templates"),
            d => d.GetProperty("templates").GetArrayLength() == 2);
        var byText = templates.GetProperty("templates").EnumerateArray().ToDictionary(t => t.GetProperty("template").GetString()!);
        Assert.Equal(3, byText["order <*> placed"].GetProperty("count").GetInt64());
        Assert.Equal("INFO", byText["order <*> placed"].GetProperty("severity").GetString());
        var failed = byText["payment failed: card declined"];
        Assert.Equal("ERROR", failed.GetProperty("severity").GetString());
        var exemplar = failed.GetProperty("exemplars").EnumerateArray().Single();
        Assert.Equal(traceId.ToHexString(), exemplar.GetProperty("traceId").GetString());
        Assert.Equal("payment failed: card declined", exemplar.GetProperty("body").GetString());

        var ofTrace = await silo.Api.GetFromJsonAsync<JsonElement>($"/api/v1/services/{service}/logs?traceId={traceId.ToHexString()}");
        Assert.Equal("payment failed: card declined", ofTrace.GetProperty("records").EnumerateArray().Single().GetProperty("body").GetString());

        var bad = await silo.Api.GetAsync(new Uri($"/api/v1/services/{service}/logs?traceId=xyz", UriKind.Relative));
        Assert.Equal(System.Net.HttpStatusCode.BadRequest, bad.StatusCode);
        Assert.Contains("traceId", await bad.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        var badLimit = await silo.Api.GetAsync(new Uri($"/api/v1/services/{service}/logs?limit=0", UriKind.Relative));
        Assert.Equal(System.Net.HttpStatusCode.BadRequest, badLimit.StatusCode);
    }

    [Fact]
    public async Task ASurgeOfANewErrorTemplateFromTheSdkIsALogAnomaly()
    {
        // Seven hundred 10 s windows of history (a processor stamps each record with the window being replayed,
        // since the SDK stamps the wall clock), then forty payments fail in one window.
        var service = $"e2e-surge-{Guid.NewGuid():N}"[..24];
        long origin = (DateTimeOffset.UtcNow.AddHours(-3).ToUnixTimeSeconds() / 10 * 10) * 1000;
        var clock = new ReplayClock();
        using (var factory = LoggerFactory.Create(logging => logging.AddOpenTelemetry(o =>
        {
            o.IncludeFormattedMessage = true;
            o.SetResourceBuilder(ResourceBuilder.CreateEmpty().AddService(service));
            o.AddProcessor(clock);
            o.AddOtlpExporter((e, processor) =>
            {
                e.Protocol = OtlpExportProtocol.Grpc;
                e.Endpoint = silo.GrpcEndpoint;
                processor.BatchExportProcessorOptions = new BatchExportLogRecordProcessorOptions { MaxQueueSize = 100_000, MaxExportBatchSize = 2048, ScheduledDelayMilliseconds = 100 };
            });
        })))
        {
            var logger = factory.CreateLogger("checkout");
            var random = new Random(2);
            for (int w = 0; w < 700; w++)
            {
                clock.Now = DateTimeOffset.FromUnixTimeMilliseconds(origin + (w * 10_000) + 1_000).UtcDateTime;
                for (int i = random.Next(3, 8); i > 0; i--)
                {
                    LogPlaced(logger, random.Next(100_000));
                }

                for (int i = 0; w == 650 && i < 40; i++)
                {
                    LogDeclined(logger, random.Next(100_000), "issuer unavailable");
                }
            }
        }

        var anomalies = await SiloFixture.EventuallyAsync(
            () => silo.Api.GetFromJsonAsync<JsonElement>($"/api/v1/anomalies?service={service}"),
            d => d.GetProperty("anomalies").GetArrayLength() > 0);
        var anomaly = anomalies.GetProperty("anomalies").EnumerateArray().Single();
        Assert.Equal("logs", anomaly.GetProperty("signal").GetString());
        var template = anomaly.GetProperty("templates").EnumerateArray().First();
        Assert.Equal("card <*> declined: issuer unavailable", template.GetProperty("template").GetString());
        Assert.Equal("ERROR", template.GetProperty("severity").GetString());
        Assert.True(template.GetProperty("new").GetBoolean());
        Assert.Equal(DateTimeOffset.FromUnixTimeMilliseconds(origin + (650 * 10_000)), anomaly.GetProperty("windowStart").GetDateTimeOffset());
    }

    /// <summary>Stamps each record with the event time being replayed.</summary>
    private sealed class ReplayClock : BaseProcessor<LogRecord>
    {
        public DateTime Now { get; set; }

        public override void OnEnd(LogRecord data) => data.Timestamp = Now;
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "card {Card} declined: {Reason}")]
    private static partial void LogDeclined(ILogger logger, int card, string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "order {Number} placed")]
    private static partial void LogPlaced(ILogger logger, int number);

    [LoggerMessage(Level = LogLevel.Warning, Message = "payment slow")]
    private static partial void LogSlow(ILogger logger);

    [LoggerMessage(Level = LogLevel.Error, Message = "payment failed: {Reason}")]
    private static partial void LogFailed(ILogger logger, string reason);
}
