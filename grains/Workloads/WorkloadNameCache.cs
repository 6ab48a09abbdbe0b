using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using OtlpGrains.Interfaces;
using OtlpGrains.Models.Workloads;

namespace OtlpGrains.Grains.Workloads;

/// <summary>
/// This silo's copy of the workload directory's names, asked for on an interval (one call that answers nothing when
/// nothing changed), so that naming an edge's peer costs a dictionary lookup, never a grain call per span or trace.
/// </summary>
internal sealed partial class WorkloadNameCache(
    IGrainFactory grains,
    IOptions<WorkloadOptions> options,
    GrainInstruments instruments,
    TimeProvider time,
    ILogger<WorkloadNameCache> logger) : BackgroundService
{
    private WorkloadNameTable _names = WorkloadNameTable.Empty;
    private bool _failing;

    public WorkloadNameTable Names => Volatile.Read(ref _names);

    /// <summary>
    /// The edge calls with each virtual callee the directory names turned into a call to that service; the same list
    /// when there is nothing to rename.
    /// </summary>
    public IReadOnlyList<(string Client, EdgeCall Call)> Name(IReadOnlyList<(string Client, EdgeCall Call)> calls)
    {
        var names = Names;
        if (names.Count == 0)
        {
            return calls;
        }

        (string, EdgeCall)[]? renamed = null;
        for (int i = 0; i < calls.Count; i++)
        {
            var (client, call) = calls[i];
            if (call.Virtual && names.ServiceOf(call.Server) is { } service)
            {
                renamed ??= [.. calls];
                renamed[i] = (client, call with { Server = service, Virtual = false });
            }
        }

        return renamed ?? calls;
    }

    /// <summary>Asks the directory once for names newer than this copy's.</summary>
    public async Task RefreshAsync()
    {
        try
        {
            if (await grains.GetGrain<IWorkloadDirectoryGrain>(IWorkloadDirectoryGrain.DefaultKey).GetNamesAsync(Names.Version) is { } newer)
            {
                Volatile.Write(ref _names, new WorkloadNameTable(newer));
            }

            _failing = false;
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            // The names stay as they were; one line per outage, not one per interval.
            if (!_failing)
            {
                LogRefreshFailed(logger, exception.Message);
            }

            _failing = true;
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        instruments.ObserveWorkloadEntries(() => Names.Count);
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(options.Value.RefreshSeconds), time);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                await RefreshAsync();
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopping.
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not refresh the workload names from the directory (peers keep their last names): {Reason}")]
    private static partial void LogRefreshFailed(ILogger logger, string reason);
}
