using System.Diagnostics;

namespace OtlpGrains.LoadTool;

/// <summary>
/// One concurrent sender of any signal: stamps a template into its own buffer and exports the raw bytes (over
/// OTLP/gRPC or OTLP/HTTP), one request at a time, retrying throttling (RESOURCE_EXHAUSTED, UNAVAILABLE, HTTP 429,
/// 503) with the same bytes. Once the event clock passes the fault's start, it sends the fault's templates
/// instead.
/// </summary>
internal sealed class RequestSender(
    IExportTransport transport,
    IReadOnlyList<RequestTemplate> templates,
    (FaultPlan Plan, IReadOnlyList<RequestTemplate> Templates)? fault,
    int services,
    EventClock clock,
    RequestPacer pacer,
    TimeProvider time)
{
    private const int MaxRetries = 10;

    private long _sent;
    private int _caughtUp;

    /// <summary>Requests finished so far (acknowledged or failed), for progress lines; safe to read from any thread.</summary>
    public long Finished => Interlocked.Read(ref _sent);

    /// <summary>Sending stopped early because event time reached the wall clock (<c>--speed</c> above 1).</summary>
    public bool CaughtUpWithWallClock => Volatile.Read(ref _caughtUp) != 0;

    public async Task<SenderStats> RunAsync(int sender, RequestBudget budget, CancellationToken abort)
    {
        var stats = new SenderStats(services);
        // Reused per template: a unary call has written its request before it completes.
        byte[][] buffers = templates.Select(template => new byte[template.Encoded.Length]).ToArray();
        byte[][] faultBuffers = fault?.Templates.Select(template => new byte[template.Encoded.Length]).ToArray() ?? [];
        var random = new Random(HashCode.Combine(sender, Random.Shared.Next()));
        int next = sender;
        while (!abort.IsCancellationRequested && budget.TryTake())
        {
            TimeSpan? due;
            try
            {
                due = await pacer.WaitTurnAsync(abort);
            }
            catch (OperationCanceledException)
            {
                break;
            }

            DateTimeOffset eventTime = due is TimeSpan d ? clock.At(d) : clock.Now;
            if (!clock.IsBehindWallClock(eventTime))
            {
                Volatile.Write(ref _caughtUp, 1);
                break;
            }

            bool faulty = fault is { } f && clock.ElapsedAt(eventTime) >= f.Plan.After;
            IReadOnlyList<RequestTemplate> set = faulty ? fault!.Value.Templates : templates;
            int index = next++ % set.Count;
            RequestTemplate template = set[index];
            byte[] body = faulty ? faultBuffers[index] : buffers[index];
            template.Stamp(body, random, EventClock.ToUnixNano(eventTime));
            await SendAsync(template, body, stats, random, abort);
            Interlocked.Increment(ref _sent);
        }

        return stats;
    }

    private async Task SendAsync(RequestTemplate template, byte[] body, SenderStats stats, Random random, CancellationToken abort)
    {
        long started = Stopwatch.GetTimestamp();
        for (int attempt = 0; ; attempt++)
        {
            try
            {
                long rejected = await transport.ExportAsync(body, abort);
                stats.Acknowledged(template, rejected, Stopwatch.GetTimestamp() - started);
                return;
            }
            catch (ExportRefusedException ex) when (ex.Throttled && attempt < MaxRetries && !abort.IsCancellationRequested)
            {
                stats.Retried(ex);
                await Task.Delay(RetryDelay.For(ex.RetryAfter, attempt, random), time, abort);
            }
            catch (ExportRefusedException ex)
            {
                stats.Failed(ex);
                return;
            }
            catch (HttpRequestException ex)
            {
                stats.Failed(new ExportRefusedException("HttpError", throttled: false, retryAfter: null, ex.Message));
                return;
            }
        }
    }
}
