using System.Diagnostics.Metrics;
using Microsoft.Extensions.Options;
using Npgsql;
using OtlpGrains.Grains.Traces;

namespace OtlpGrains.Silo.Storage;

/// <summary>
/// Keeps <c>otlpgrains_kept_traces</c> within <see cref="TraceOptions.MaxKeptTraces"/> and
/// <see cref="TraceOptions.KeptTraceRetentionHours"/>: every silo prunes once at start and then every
/// <see cref="Interval"/>, off the ingest path. Several silos pruning at once is harmless (see
/// <see cref="PostgresKeptTraceStore.PruneAsync"/>). What it deletes is counted on the <c>OtlpGrains.Storage</c> meter
/// as <c>kept_traces_pruned_total</c> (<c>otlpgrains_storage_kept_traces_pruned_total</c> on <c>/metrics</c>), by
/// reason: <c>age</c> or <c>count</c>.
/// </summary>
internal sealed partial class KeptTracePruning : BackgroundService
{
    /// <summary>
    /// Between passes. The table may exceed the count limit by what the cluster keeps in this time (a few thousand
    /// traces at most at 1% sampling of 250,000 spans/s), which is why the count is a bound and not a cap.
    /// </summary>
    public static readonly TimeSpan Interval = TimeSpan.FromMinutes(1);

    private readonly PostgresKeptTraceStore _store;
    private readonly TraceOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger<KeptTracePruning> _logger;
    private readonly Counter<long> _pruned;

    public KeptTracePruning(
        PostgresKeptTraceStore store,
        IOptions<TraceOptions> options,
        TimeProvider time,
        IMeterFactory meters,
        ILogger<KeptTracePruning> logger)
    {
        ArgumentNullException.ThrowIfNull(meters);
        _store = store;
        _options = options.Value;
        _time = time;
        _logger = logger;
        _pruned = meters.Create("OtlpGrains.Storage").CreateCounter<long>(
            "kept_traces_pruned_total", "{trace}", "Kept traces deleted from PostgreSQL: older than Traces:KeptTraceRetentionHours (age) or the oldest beyond Traces:MaxKeptTraces (count).");

        // Present from the start, so that the first pruning shows as an increase.
        _pruned.Add(0, Reason("age"));
        _pruned.Add(0, Reason("count"));
    }

    /// <summary>One pass: deletes what is beyond the limits now, counts it, and returns it.</summary>
    public async Task<KeptTracesPruned> PruneAsync(CancellationToken cancellationToken)
    {
        var keptBefore = _time.GetUtcNow() - TimeSpan.FromHours(_options.KeptTraceRetentionHours);
        var pruned = await _store.PruneAsync(_options.MaxKeptTraces, keptBefore, cancellationToken);
        Count(pruned.ByAge, "age");
        Count(pruned.ByCount, "count");
        return pruned;
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(Interval, _time);
        try
        {
            do
            {
                try
                {
                    await PruneAsync(stoppingToken);
                }
                catch (Exception exception) when (exception is NpgsqlException or TimeoutException)
                {
                    // The database is away: the next pass catches up, since the limits are recomputed each time.
                    LogPruneFailed(_logger, exception.Message);
                }
            }
            while (await timer.WaitForNextTickAsync(stoppingToken));
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopping: nothing to finish.
        }
    }

    private void Count(int traces, string reason)
    {
        if (traces > 0)
        {
            _pruned.Add(traces, Reason(reason));
        }
    }

    private static KeyValuePair<string, object?> Reason(string reason) => new("reason", reason);
}
