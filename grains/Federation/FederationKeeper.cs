using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using OtlpGrains.Interfaces;

namespace OtlpGrains.Grains.Federation;

/// <summary>
/// Keeps the federation grain active when peers are set: every silo activates it once the silo is active (so pulls
/// begin without waiting for a first query), and again every summary interval. The grain is kept alive by its own
/// timer, so without this a grain whose silo died would not pull again until a query or a silo start brought it back;
/// now the next call from any silo does, within an interval. Costs one grain call per silo per interval.
/// </summary>
internal sealed partial class FederationKeeper(
    IGrainFactory grains,
    IOptions<FederationOptions> options,
    TimeProvider time,
    ILogger<FederationKeeper> logger) : ILifecycleParticipant<ISiloLifecycle>, IDisposable
{
    private CancellationTokenSource? _stopping;
    private Task? _keeping;

    public void Participate(ISiloLifecycle lifecycle) =>
        lifecycle.Subscribe(nameof(FederationKeeper), ServiceLifecycleStage.Active, StartAsync, StopAsync);

    private async Task StartAsync(CancellationToken cancellationToken)
    {
        if (!options.Value.On)
        {
            return;
        }

        await Grain().StartAsync().AsTask().WaitAsync(cancellationToken);
        _stopping = new CancellationTokenSource();
        _keeping = KeepAsync(_stopping.Token);
    }

    private async Task StopAsync(CancellationToken cancellationToken)
    {
        if (_stopping is null || _keeping is null)
        {
            return;
        }

        await _stopping.CancelAsync();
        await _keeping.WaitAsync(cancellationToken);
    }

    public void Dispose() => _stopping?.Dispose();

    private async Task KeepAsync(CancellationToken stopping)
    {
        bool failing = false;
        while (true)
        {
            try
            {
                await Task.Delay(options.Value.SummaryInterval, time, stopping);
                await Grain().StartAsync();
                failing = false;
            }
            catch (OperationCanceledException) when (stopping.IsCancellationRequested)
            {
                return;
            }
            catch (Exception exception) when (exception is not OperationCanceledException || !stopping.IsCancellationRequested)
            {
                // Typically the grain's silo has just gone and the cluster has not yet declared it dead: try again at
                // the next interval; say so once, not every interval.
                if (!failing)
                {
                    LogKeepFailed(logger, exception.Message);
                }

                failing = true;
            }
        }
    }

    private IFederationGrain Grain() => grains.GetGrain<IFederationGrain>(IFederationGrain.DefaultKey);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not reach the federation grain to keep it active ({Reason}); trying again every summary interval")]
    private static partial void LogKeepFailed(ILogger logger, string reason);
}
