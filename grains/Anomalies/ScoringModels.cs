using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Streams;
using OtlpGrains.Grains.Models;
using OtlpGrains.Interfaces;
using OtlpGrains.Models.Detection;
using OtlpGrains.Models.Detection.Baseline;
using OtlpGrains.Models.Services;

namespace OtlpGrains.Grains.Anomalies;

/// <summary>
/// The model versions this silo's service grains score with: for the span signal, the production (and shadow)
/// version of the model <see cref="AnomalyOptions.Model"/>, loaded once per silo through <see cref="ModelCache"/>
/// and shared; for the metrics signal, the built-in open-ended baseline. One subscription per silo to the model's
/// <c>models</c> stream announces changes; the registry is asked when the first service grain activates, on every
/// announcement and every <see cref="AnomalyOptions.RefreshSeconds"/> (the stream is not durable). A version that cannot be loaded or does
/// not read RED windows is not used: the lineup stays as it was.
/// </summary>
internal sealed partial class ScoringModels(
    IClusterClient client,
    ModelCache cache,
    IOptions<AnomalyOptions> options,
    TimeProvider time,
    ILogger<ScoringModels> logger) : BackgroundService
{
    private static readonly DetectorChoice BuiltinSpans =
        new(AnomalyModelRef.Builtin, new BaselineModel(FeatureSchema.Red, BaselineOptions.Default));

    private static readonly DetectionLineup MetricsLineup =
        new(new DetectorChoice(AnomalyModelRef.Builtin, new BaselineModel(ServiceDetection.MetricsSchema, BaselineOptions.Default)), null);

    private readonly SemaphoreSlim _refreshing = new(1, 1);
    private readonly Lock _gate = new();
    private volatile DetectionLineup _spans = new(BuiltinSpans, null);
    private Task? _first;
    private StreamSubscriptionHandle<ModelChanged>? _subscription;

    /// <summary>The versions a window of <paramref name="signal"/> is scored with now.</summary>
    public DetectionLineup LineupOf(WindowSignal signal) => signal == WindowSignal.Spans ? _spans : MetricsLineup;

    /// <summary>
    /// Completes once the registry was asked the first time (whether it answered or not), so that a grain activated
    /// at start scores with the production version rather than the built-in one.
    /// </summary>
    public Task WhenAskedAsync()
    {
        lock (_gate)
        {
            // Off the grain's scheduler: the first question outlives the grain that asked it.
            return _first ??= Task.Run(() => RefreshAsync(CancellationToken.None));
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        // The first question waits for the first service grain (WhenAskedAsync): a silo that hosts none asks nothing.
        await SubscribeAsync();
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(options.Value.RefreshSeconds), time);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                await SubscribeAsync();
                await RefreshAsync(stoppingToken);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken);
        if (_subscription is { } subscription)
        {
            try
            {
                await subscription.UnsubscribeAsync();
            }
            catch (Exception exception) when (exception is not OperationCanceledException)
            {
                LogUnsubscribeFailed(exception.Message);
            }
        }
    }

    private async Task SubscribeAsync()
    {
        if (_subscription is not null)
        {
            return;
        }

        try
        {
            var stream = client.GetStreamProvider(StreamNames.Provider)
                .GetStream<ModelChanged>(StreamId.Create(StreamNames.Models, options.Value.Model));
            _subscription = await stream.SubscribeAsync((change, _) => OnChangedAsync(change));
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            // Without the stream the periodic refresh still finds changes, only later.
            LogSubscribeFailed(options.Value.Model, exception.Message);
        }
    }

    private Task OnChangedAsync(ModelChanged change)
    {
        LogChangeAnnounced(change.Name, change.Version, change.Stage);
        // Asked again rather than applied: a rollback announces two changes, and the registry's answer is whole.
        return RefreshAsync(CancellationToken.None);
    }

    private async Task RefreshAsync(CancellationToken cancellationToken)
    {
        await _refreshing.WaitAsync(cancellationToken);
        try
        {
            string name = options.Value.Model;
            ModelDetail? detail;
            try
            {
                detail = await client.GetGrain<IModelRegistryGrain>(IModelRegistryGrain.DefaultKey).GetAsync(name);
            }
            catch (Exception exception) when (exception is not OperationCanceledException)
            {
                LogRegistryUnreachable(name, exception.Message);
                return;
            }

            DetectionLineup current = _spans;
            DetectorChoice production = detail?.Production is int p
                ? await ChooseAsync(detail, p, current.Production) ?? current.Production
                : BuiltinSpans;
            DetectorChoice? shadow = detail?.Shadow is int s ? await ChooseAsync(detail, s, current.Shadow) : null;
            if (production.Ref != current.Production.Ref || shadow?.Ref != current.Shadow?.Ref)
            {
                _spans = new DetectionLineup(production, shadow);
                LogLineup(name, production.Ref, shadow?.Ref);
            }
        }
        finally
        {
            _refreshing.Release();
        }
    }

    private async Task<DetectorChoice?> ChooseAsync(ModelDetail detail, int number, DetectorChoice? current)
    {
        var reference = new AnomalyModelRef(detail.Name, number);
        if (current?.Ref == reference)
        {
            return current;
        }

        try
        {
            IAnomalyModel model = await cache.GetAsync(detail.Name, number);
            if (!FeatureSchema.Red.Accepts(model.Schema))
            {
                LogUnusable(detail.Name, number, $"it reads schema '{model.Schema.Name}', not '{FeatureSchema.Red.Name}'");
                return null;
            }

            return new DetectorChoice(reference, model);
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            LogUnusable(detail.Name, number, exception.Message);
            return null;
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Model {Name}: services score spans with {Production}, shadow {Shadow}")]
    private partial void LogLineup(string name, AnomalyModelRef production, AnomalyModelRef? shadow);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Model {Name} version {Version} is now {Stage}")]
    private partial void LogChangeAnnounced(string name, int version, ModelStage stage);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Model {Name} version {Version} is not used for scoring: {Reason}")]
    private partial void LogUnusable(string name, int version, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Model {Name}: the registry could not be asked for its versions ({Reason}); the lineup stays as it is")]
    private partial void LogRegistryUnreachable(string name, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Model {Name}: no subscription to its models stream ({Reason}); changes are found by the periodic refresh")]
    private partial void LogSubscribeFailed(string name, string reason);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Could not unsubscribe from the models stream: {Reason}")]
    private partial void LogUnsubscribeFailed(string reason);
}
