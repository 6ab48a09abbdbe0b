using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using OtlpGrains.Interfaces;
using OtlpGrains.Models.Detection;

namespace OtlpGrains.Grains.Anomalies;

/// <summary>
/// Collects what this silo's service grains scored with registry versions (windows, score bins, shadow agreement)
/// and sends it to the registry every <see cref="AnomalyOptions.ReportSeconds"/>: one call per silo per period,
/// never one per window. The built-in model is not a registry version and is not reported. A report the registry
/// did not take is added back and goes with the next one. Windows a grain scores again after a crash (its replay)
/// are counted again.
/// </summary>
internal sealed partial class ModelScoreReporter(
    IGrainFactory grains,
    IOptions<AnomalyOptions> options,
    TimeProvider time,
    ILogger<ModelScoreReporter> logger) : BackgroundService
{
    private readonly Lock _gate = new();
    private Dictionary<AnomalyModelRef, Tally> _tallies = [];

    /// <summary>Adds the outcomes of one grain's scored windows.</summary>
    public void Add(IReadOnlyList<SignalOutcome> outcomes)
    {
        lock (_gate)
        {
            foreach (SignalOutcome outcome in outcomes)
            {
                if (outcome.Model.Version > 0)
                {
                    TallyOf(outcome.Model).Add(outcome.Verdict.Score, compared: false, agreed: false);
                }

                if (outcome.Shadow is { } shadow && shadow.Model.Version > 0)
                {
                    TallyOf(shadow.Model).Add(shadow.Score, compared: true, shadow.Agreed);
                }
            }
        }
    }

    /// <summary>Sends what was collected since the last report, if anything.</summary>
    public async Task FlushAsync()
    {
        Dictionary<AnomalyModelRef, Tally> taken;
        lock (_gate)
        {
            if (_tallies.Count == 0)
            {
                return;
            }

            taken = _tallies;
            _tallies = [];
        }

        ModelScoreReport[] reports = [.. taken.Select(t => t.Value.ToReport(t.Key))];
        try
        {
            await grains.GetGrain<IModelRegistryGrain>(IModelRegistryGrain.DefaultKey).ReportScoresAsync(reports);
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            LogReportFailed(reports.Length, exception.Message);
            lock (_gate)
            {
                foreach (var (model, tally) in taken)
                {
                    TallyOf(model).Merge(tally);
                }
            }
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(options.Value.ReportSeconds), time);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                await FlushAsync();
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken);
        await FlushAsync();
    }

    private Tally TallyOf(AnomalyModelRef model)
    {
        if (!_tallies.TryGetValue(model, out var tally))
        {
            _tallies[model] = tally = new Tally();
        }

        return tally;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not report {Count} model versions' scores to the registry ({Reason}); they go with the next report")]
    private partial void LogReportFailed(int count, string reason);

    private sealed class Tally
    {
        private readonly long[] _bins = new long[ModelScoreReport.Bins];
        private long _windows;
        private long _compared;
        private long _agreed;

        public void Add(double score, bool compared, bool agreed)
        {
            _windows++;
            _bins[ModelScoreReport.BinOf(score)]++;
            _compared += compared ? 1 : 0;
            _agreed += agreed ? 1 : 0;
        }

        public void Merge(Tally other)
        {
            _windows += other._windows;
            _compared += other._compared;
            _agreed += other._agreed;
            for (int i = 0; i < _bins.Length; i++)
            {
                _bins[i] += other._bins[i];
            }
        }

        public ModelScoreReport ToReport(AnomalyModelRef model) =>
            new(model.Name, model.Version, _windows, [.. _bins], _compared, _agreed);
    }
}
