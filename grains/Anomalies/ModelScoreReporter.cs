using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using OtlpGrains.Interfaces;
using OtlpGrains.Models.Detection;

namespace OtlpGrains.Grains.Anomalies;

/// <summary>
/// Sends what this silo's service grains scored with registry versions (<see cref="ServiceDetectionTally"/>) to the
/// registry every <see cref="AnomalyOptions.ReportSeconds"/>: one call per silo per period, never one per window.
/// A report the registry did not take goes with the next one. Windows a grain scores again after a crash (its
/// replay) are counted again.
/// </summary>
internal sealed partial class ModelScoreReporter(
    IGrainFactory grains,
    IOptions<AnomalyOptions> options,
    TimeProvider time,
    ILogger<ModelScoreReporter> logger) : PeriodicFlushService(TimeSpan.FromSeconds(options.Value.ReportSeconds), time)
{
    private readonly ServiceDetectionTally _tally = new();

    /// <summary>Adds the outcomes of one grain's scored windows.</summary>
    public void Add(IReadOnlyList<SignalOutcome> outcomes) => _tally.Add(outcomes);

    /// <summary>Sends what was collected since the last report, if anything.</summary>
    public override async Task FlushAsync()
    {
        ModelScoreReport[] reports = _tally.Take();
        if (reports.Length == 0)
        {
            return;
        }

        try
        {
            await grains.GetGrain<IModelRegistryGrain>(IModelRegistryGrain.DefaultKey).ReportScoresAsync(reports);
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            LogReportFailed(reports.Length, exception.Message);
            _tally.Return(reports);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not report {Count} model versions' scores to the registry ({Reason}); they go with the next report")]
    private partial void LogReportFailed(int count, string reason);
}
