using Microsoft.Extensions.Hosting;

namespace OtlpGrains.Grains;

/// <summary>
/// A per-silo buffer that hands what it gathered to the grains on a fixed period, and once more when the silo
/// stops, so that nothing gathered before a graceful shutdown is left behind.
/// </summary>
internal abstract class PeriodicFlushService(TimeSpan interval, TimeProvider time) : BackgroundService
{
    /// <summary>Sends what was gathered since the last flush; must not throw for a failed send (keep it for the next).</summary>
    public abstract Task FlushAsync();

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken);
        await FlushAsync();
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(interval, time);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                await FlushAsync();
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopping: StopAsync flushes what is left.
        }
    }
}
