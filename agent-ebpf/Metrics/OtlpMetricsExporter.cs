using Grpc.Core;
using OtlpGrains.Agent.Export;
using OpenTelemetry.Proto.Collector.Metrics.V1;

namespace OtlpGrains.Agent.Metrics;

/// <summary>
/// Sends the <see cref="RedMetrics"/> to the gateway every interval (default 10 s) over OTLP/gRPC
/// (<c>MetricsService.Export</c>, the span exporter's endpoint), and once more when disposed. A failed export is
/// counted and its deltas are lost: retrying an interval late would put its counts into the wrong window.
/// </summary>
public sealed class OtlpMetricsExporter : IAsyncDisposable
{
    private readonly RedMetrics _metrics;
    private readonly TimeProvider _time;
    private readonly ExportChannel _channel;
    private readonly MetricsService.MetricsServiceClient _client;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;
    private ulong _lastUnixNano;
    private long _exported;
    private long _failed;

    public OtlpMetricsExporter(RedMetrics metrics, Uri endpoint, TimeSpan interval, TimeProvider? time = null)
        : this(metrics, new OtlpExportOptions { Endpoint = endpoint }, interval, time)
    {
    }

    /// <summary>An exporter to <paramref name="export"/>'s endpoint, with its TLS trust and headers (as the span exporter).</summary>
    public OtlpMetricsExporter(RedMetrics metrics, OtlpExportOptions export, TimeSpan interval, TimeProvider? time = null)
    {
        _metrics = metrics;
        _time = time ?? TimeProvider.System;
        _lastUnixNano = UnixNano(_time.GetUtcNow());
        _channel = ExportChannel.Open(export);
        _client = new MetricsService.MetricsServiceClient(_channel.Channel);
        _loop = RunAsync(interval);
    }

    /// <summary>Data points the gateway accepted.</summary>
    public long Exported => Interlocked.Read(ref _exported);

    /// <summary>Data points lost to failed exports.</summary>
    public long Failed => Interlocked.Read(ref _failed);

    /// <summary>Collects and sends what accumulated since the last export.</summary>
    public async Task ExportAsync()
    {
        ulong now = UnixNano(_time.GetUtcNow());
        var request = _metrics.Collect(_lastUnixNano, now);
        _lastUnixNano = now;
        if (request is null)
        {
            return;
        }

        long points = request.ResourceMetrics.Sum(r => r.ScopeMetrics.Sum(s => s.Metrics.Sum(m => m.Histogram.DataPoints.Count)));
        try
        {
            var response = await _client.ExportAsync(request, _channel.Headers, deadline: DateTime.UtcNow.AddSeconds(10));
            long rejected = response.PartialSuccess?.RejectedDataPoints ?? 0;
            Interlocked.Add(ref _exported, points - rejected);
            Interlocked.Add(ref _failed, rejected);
        }
        catch (RpcException)
        {
            Interlocked.Add(ref _failed, points);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await _loop;
        await ExportAsync();
        _stop.Dispose();
        _channel.Dispose();
    }

    private static ulong UnixNano(DateTimeOffset time) => (ulong)(time - DateTimeOffset.UnixEpoch).Ticks * 100;

    private async Task RunAsync(TimeSpan interval)
    {
        using var timer = new PeriodicTimer(interval, _time);
        try
        {
            while (await timer.WaitForNextTickAsync(_stop.Token))
            {
                await ExportAsync();
            }
        }
        catch (OperationCanceledException)
        {
            // disposed
        }
    }
}
