using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Streams;
using OtlpGrains.Interfaces;
using OtlpGrains.Models.Artifacts;
using OtlpGrains.Models.Registry;

namespace OtlpGrains.Grains.Models;

/// <summary>
/// The cluster's model registry. The rules live in <see cref="ModelRegistry"/> and the upload checks in
/// <see cref="UploadValidator"/> and the score reports in <see cref="ScoreLedger"/>; the grain stores the artifact in
/// its own grain before recording a version, writes its state after every change (score reports: on a timer, when
/// any arrived, and on deactivation), and announces stage changes and retrain recommendations on the <c>models</c>
/// stream namespace.
/// </summary>
internal sealed partial class ModelRegistryGrain(
    [PersistentState("registry", StorageNames.Models)] IPersistentState<ModelRegistryState> state,
    ModelCodecs codecs,
    IOptions<ModelRegistryOptions> options,
    TimeProvider time,
    ILogger<ModelRegistryGrain> logger) : Grain, IModelRegistryGrain
{
    private ModelRegistry _registry = null!;
    private UploadValidator _validator = null!;
    private ScoreLedger _ledger = null!;

    // Score reports applied since the state was last written.
    private bool _scoresDirty;

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        var settings = options.Value;
        var limits = settings.Limits();
        _registry = new ModelRegistry(state.State, limits);
        _validator = new UploadValidator(codecs, limits);
        _ledger = new ScoreLedger(state.State, limits, settings.Drift(), settings.ArchivedScoresPerModel);
        var flush = TimeSpan.FromSeconds(settings.ScoresFlushSeconds);
        this.RegisterGrainTimer(FlushScoresAsync, new GrainTimerCreationOptions(flush, flush) { Interleave = false, KeepAlive = false });
        return base.OnActivateAsync(cancellationToken);
    }

    public override async Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        await FlushScoresAsync(cancellationToken);
        await base.OnDeactivateAsync(reason, cancellationToken);
    }

    public ValueTask<ModelSummary[]> ListAsync() => ValueTask.FromResult<ModelSummary[]>(
        [.. _registry.Models.OrderBy(m => m.Name, StringComparer.Ordinal).Select(m => new ModelSummary(m.Name, m.Schema, m.Versions.Count, m.Production?.Number, m.Shadow?.Number))]);

    public ValueTask<ModelDetail?> GetAsync(string name) => ValueTask.FromResult(
        _registry.Find(name) is { } m
            ? new ModelDetail(m.Name, m.Schema, [.. m.Versions], m.Production?.Number, m.Shadow?.Number, [.. m.PreviousProduction], [.. m.Audit.Entries], m.Audit.Dropped,
                _ledger.Summaries(m))
            : null);

    public ValueTask<ModelVersion?> GetProductionAsync(string name) => ValueTask.FromResult(_registry.Find(name)?.Production);

    public ValueTask<ModelRegistryCounts> GetCountsAsync() =>
        ValueTask.FromResult(new ModelRegistryCounts(state.State.Models.Count, state.State.RefusedUploads, state.State.RefusedScoreReports));

    public async ValueTask<RegistryResult> RegisterAsync(ModelUpload upload)
    {
        var existing = ModelName.Problem(upload.Name) is null ? _registry.Find(upload.Name) : null;
        var verdict = _validator.Check(upload, existing);
        if (verdict.Registration is not { } registration)
        {
            return RefuseUpload(upload, verdict.Refusal!);
        }

        if (_registry.RefusalToRegister(upload.Name, registration.Schema) is { } refusal)
        {
            return RefuseUpload(upload, refusal);
        }

        // The artifact is durable before the version exists, so no one can see a version without its bytes.
        var number = _registry.NextVersion(upload.Name);
        await GrainFactory.GetGrain<IModelArtifactGrain>(IModelArtifactGrain.KeyOf(upload.Name, number))
            .StoreAsync(new ModelArtifact(registration.Kind, registration.Sha256, upload.Artifact));

        var result = _registry.Register(upload.Name, registration, time.GetUtcNow());
        if (result.Succeeded)
        {
            await CommitAsync();
            LogRegistered(upload.Name, number, registration.Kind, registration.SizeBytes, registration.Who);
        }

        return result;
    }

    public async ValueTask<RegistryResult> PromoteAsync(string name, int version, ModelStage stage, string who, string reason) =>
        await ApplyAsync(name, _registry.Promote(name, version, stage, who, reason, time.GetUtcNow()));

    public async ValueTask<RegistryResult> RollbackAsync(string name, string who, string reason) =>
        await ApplyAsync(name, _registry.Rollback(name, who, reason, time.GetUtcNow()));

    public async ValueTask<RegistryResult> RetireAsync(string name, int version, string who, string reason) =>
        await ApplyAsync(name, _registry.Retire(name, version, who, reason, time.GetUtcNow()));

    public async ValueTask ReportScoresAsync(ModelScoreReport[] reports)
    {
        ArgumentNullException.ThrowIfNull(reports);
        var outcome = _ledger.Apply(reports, time.GetUtcNow());
        _scoresDirty |= outcome.Changed;
        if (outcome.Problems.Length > 0)
        {
            // One line per batch, not per report: a silo sending garbage every few seconds must not flood the log.
            LogScoreReportsRefused(outcome.Problems.Length, reports.Length, outcome.Problems[0]);
        }

        foreach (var recommendation in outcome.Recommendations)
        {
            LogRetrainRecommended(recommendation.Model, recommendation.Version, recommendation.Psi, recommendation.Bound);
            await PublishAsync(recommendation);
        }
    }

    /// <summary>Writes the reported scores when any arrived since the last write, dropping those beyond the limits first.</summary>
    private async Task FlushScoresAsync(CancellationToken cancellationToken)
    {
        if (!_scoresDirty)
        {
            return;
        }

        _ledger.Prune();
        await CommitAsync();
    }

    private async Task<RegistryResult> ApplyAsync(string name, RegistryResult result)
    {
        if (!result.Succeeded)
        {
            return result;
        }

        await CommitAsync();
        foreach (var changed in result.Changed)
        {
            LogStageChanged(name, changed.Number, changed.Stage);
        }

        await PublishAsync(name, result.Changed);
        return result;
    }

    private RegistryResult RefuseUpload(ModelUpload upload, RegistryRefusal refusal)
    {
        // Counted in memory now and stored with the next change: a flood of bad uploads costs no storage writes.
        _registry.CountRefusedUpload();
        LogUploadRefused(upload.Name, upload.Who, refusal.Reason);
        return RegistryResult.Refused(refusal);
    }

    private async Task CommitAsync()
    {
        try
        {
            await state.WriteStateAsync();
            _scoresDirty = false;
        }
        catch
        {
            // The change is in memory but not in storage: reload from storage on the next call rather than serve it.
            DeactivateOnIdle();
            throw;
        }
    }

    /// <summary>
    /// Announces each stage change. The change is already stored, so a stream failure does not undo it: it is logged,
    /// and a service grain that missed the event still finds the production version through
    /// <see cref="GetProductionAsync"/> when it activates.
    /// </summary>
    private async Task PublishAsync(string name, ModelVersion[] changed)
    {
        try
        {
            var stream = this.GetStreamProvider(StreamNames.Provider)
                .GetStream<ModelChanged>(StreamId.Create(StreamNames.Models, name));
            foreach (var version in changed)
            {
                await stream.OnNextAsync(new ModelChanged(name, version.Number, version.Stage, version.Kind, version.Sha256));
            }
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            LogPublishFailed(exception, name);
        }
    }

    /// <summary>
    /// Announces a retrain recommendation on its own stream (<see cref="StreamNames.RetrainKey"/>). It is already in
    /// the audit trail; a stream failure is logged, and the API still shows it.
    /// </summary>
    private async Task PublishAsync(RetrainRecommended recommendation)
    {
        try
        {
            await this.GetStreamProvider(StreamNames.Provider)
                .GetStream<RetrainRecommended>(StreamId.Create(StreamNames.Models, StreamNames.RetrainKey(recommendation.Model)))
                .OnNextAsync(recommendation);
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            LogPublishFailed(exception, recommendation.Model);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Refused {Refused} of {Reports} score reports as malformed; the first: {Problem}")]
    private partial void LogScoreReportsRefused(int refused, int reports, string problem);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Model {Name} version {Version}: retrain recommended, score PSI {Psi} above {Bound}")]
    private partial void LogRetrainRecommended(string name, int version, double psi, double bound);

    [LoggerMessage(Level = LogLevel.Information, Message = "Model {Name} version {Version} registered: kind {Kind}, {Bytes} bytes, by {Who}")]
    private partial void LogRegistered(string name, int version, string kind, long bytes, string who);

    [LoggerMessage(Level = LogLevel.Information, Message = "Model {Name} version {Version} is now {Stage}")]
    private partial void LogStageChanged(string name, int version, ModelStage stage);

    [LoggerMessage(Level = LogLevel.Information, Message = "Upload of model {Name} by {Who} refused: {Reason}")]
    private partial void LogUploadRefused(string name, string who, string reason);

    [LoggerMessage(Level = LogLevel.Error, Message = "Model {Name}: the change is stored but could not be announced on the models stream")]
    private partial void LogPublishFailed(Exception exception, string name);
}
