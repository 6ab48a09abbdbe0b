using Microsoft.Extensions.Options;
using OtlpGrains.Interfaces;
using OtlpGrains.Models.Workloads;

namespace OtlpGrains.Grains.Workloads;

/// <summary>
/// The one workload directory (<see cref="WorkloadDirectory"/>), in memory: the agents' next reports rebuild it after
/// the activation moves, and a complete report rebuilds a node's part. Expiry runs on a timer a few times per TTL.
/// </summary>
internal sealed class WorkloadDirectoryGrain(IOptions<WorkloadOptions> options, GrainInstruments instruments, TimeProvider time)
    : Grain, IWorkloadDirectoryGrain
{
    private readonly WorkloadDirectory _directory = new(
        Math.Max(1, (long)(options.Value.TtlSeconds * 1000)), options.Value.MaxEntries, firstVersion: Random.Shared.NextInt64(1, long.MaxValue / 2));

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        var every = TimeSpan.FromSeconds(Math.Clamp(options.Value.TtlSeconds / 4, 0.25, 60));
        this.RegisterGrainTimer(() =>
        {
            _directory.Expire(NowMs());
            return Task.CompletedTask;
        }, every, every);
        return base.OnActivateAsync(cancellationToken);
    }

    public ValueTask<WorkloadReportResult> ReportAsync(string nodeId, WorkloadEntry[] entries, bool complete)
    {
        var result = _directory.Report(nodeId, entries, complete, NowMs());
        instruments.WorkloadReport(result.Rejected);
        return ValueTask.FromResult(result);
    }

    public ValueTask<WorkloadNames?> GetNamesAsync(long knownVersion) =>
        ValueTask.FromResult(knownVersion == _directory.Version ? null : _directory.Snapshot());

    private long NowMs() => time.GetUtcNow().ToUnixTimeMilliseconds();
}
