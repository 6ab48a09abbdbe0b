using Grpc.Core;
using OpenTelemetry.Proto.Collector.Logs.V1;
using OpenTelemetry.Proto.Collector.Metrics.V1;
using OpenTelemetry.Proto.Collector.Trace.V1;
using OtlpGrains.LoadTool;

namespace OtlpGrains.Evaluate.Replay;

/// <summary>
/// Sends export requests over OTLP/gRPC with a few in flight, retrying RESOURCE_EXHAUSTED and UNAVAILABLE (the
/// gateway's "slow down") with the server's RetryInfo or backoff, as the load tool does; other errors are final.
/// With <paramref name="routes"/>, each request is split by service over the routes' endpoints.
/// </summary>
internal sealed class OtlpExporter(CallInvoker invoker, int maxInFlight, TimeProvider time, ServiceRoutes? routes = null) : IAsyncDisposable
{
    private const int MaxRetries = 10;

    private static readonly TimeSpan CallTimeout = TimeSpan.FromSeconds(30);

    private readonly SemaphoreSlim _slots = new(maxInFlight, maxInFlight);
    private readonly List<Task> _inFlight = [];
    private readonly Random _random = new(17);

    public SignalTally Traces { get; } = new("traces", "spans");

    public SignalTally Logs { get; } = new("logs", "records");

    public SignalTally Metrics { get; } = new("metrics", "points");

    public async Task SendAsync(ExportTraceServiceRequest request, int items, CancellationToken ct)
    {
        foreach (var (to, part, count) in routes is null ? [(invoker, request, items)] : routes.Split(request))
        {
            var client = new TraceService.TraceServiceClient(to);
            await StartAsync(Traces, count, async options => (await client.ExportAsync(part, options)).PartialSuccess?.RejectedSpans ?? 0, ct);
        }
    }

    public async Task SendAsync(ExportLogsServiceRequest request, int items, CancellationToken ct)
    {
        foreach (var (to, part, count) in routes is null ? [(invoker, request, items)] : routes.Split(request))
        {
            var client = new LogsService.LogsServiceClient(to);
            await StartAsync(Logs, count, async options => (await client.ExportAsync(part, options)).PartialSuccess?.RejectedLogRecords ?? 0, ct);
        }
    }

    public async Task SendAsync(ExportMetricsServiceRequest request, int items, CancellationToken ct)
    {
        foreach (var (to, part, count) in routes is null ? [(invoker, request, items)] : routes.Split(request))
        {
            var client = new MetricsService.MetricsServiceClient(to);
            await StartAsync(Metrics, count, async options => (await client.ExportAsync(part, options)).PartialSuccess?.RejectedDataPoints ?? 0, ct);
        }
    }

    /// <summary>Waits for every request sent so far.</summary>
    public async Task DrainAsync()
    {
        Task[] running;
        lock (_inFlight)
        {
            running = [.. _inFlight];
            _inFlight.Clear();
        }

        await Task.WhenAll(running);
    }

    public async ValueTask DisposeAsync()
    {
        await DrainAsync();
        _slots.Dispose();
    }

    /// <summary>Returns once the request has a slot; it completes in the background.</summary>
    private async Task StartAsync(SignalTally tally, int items, Func<CallOptions, Task<long>> export, CancellationToken ct)
    {
        await _slots.WaitAsync(ct);
        tally.Sending(items);
        Task running = RunAsync(tally, items, export, ct);
        lock (_inFlight)
        {
            _inFlight.RemoveAll(t => t.IsCompleted);
            _inFlight.Add(running);
        }
    }

    private async Task RunAsync(SignalTally tally, int items, Func<CallOptions, Task<long>> export, CancellationToken ct)
    {
        try
        {
            for (int attempt = 0; ; attempt++)
            {
                try
                {
                    long rejected = await export(new CallOptions(deadline: time.GetUtcNow().UtcDateTime + CallTimeout, cancellationToken: ct));
                    tally.Acknowledge(items, rejected);
                    return;
                }
                catch (RpcException ex) when (ex.StatusCode is StatusCode.ResourceExhausted or StatusCode.Unavailable
                    && attempt < MaxRetries && !ct.IsCancellationRequested)
                {
                    tally.Retried();
                    TimeSpan wait;
                    lock (_random)
                    {
                        wait = RetryDelay.For(ex, attempt, _random);
                    }

                    await Task.Delay(wait, time, ct);
                }
                catch (RpcException ex)
                {
                    tally.Failed(items, ex);
                    return;
                }
            }
        }
        catch (OperationCanceledException)
        {
            tally.Failed(items, new RpcException(new Status(StatusCode.Cancelled, "replay interrupted")));
        }
        finally
        {
            _slots.Release();
        }
    }
}
