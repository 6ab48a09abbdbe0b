using OtlpGrains.Models.Detection;
using OtlpGrains.Models.Services;

namespace OtlpGrains.Grains.Services;

/// <summary>
/// A service's rolling state together with the number of the last logged batch it includes: restoring both and
/// replaying the log after that number gives exactly the counts that were acknowledged. It is the head of an
/// incremental checkpoint: the windows that can no longer change are in the <see cref="IServiceWindowStore"/>,
/// written once before the head that counts them (<see cref="ServiceStatistics.UnstoredWindows"/>), and the head holds
/// the rest: the windows that may still change, totals, name tables, templates, detection and recent batch ids.
/// </summary>
[GenerateSerializer, Alias("otlpgrains.ServiceCheckpoint")]
public sealed class ServiceCheckpoint
{
    /// <summary>
    /// The name the checkpoint is stored under. Version 2 came with per-signal windows, whose state a version 1
    /// checkpoint (stored as "checkpoint") cannot be read into: under a new name an old checkpoint is ignored rather
    /// than failing the activation, and the service starts over from the batches its log still holds.
    /// Incremental checkpoints kept the name on purpose: a version 2 head without stored windows reads as a head whose
    /// store is empty and that carries every window itself, which is what it is, so an upgrade keeps its history.
    /// </summary>
    public const string StateName = "checkpoint-v2";

    [Id(0)]
    public ServiceStatistics? Statistics { get; set; }

    [Id(1)]
    public long AppliedSequence { get; set; }

    [Id(2)]
    public RecentBatchIds? RecentBatchIds { get; set; }

    /// <summary>The detectors' states and thresholds, as of the same batch as <see cref="Statistics"/>.</summary>
    [Id(3)]
    public ServiceDetection? Detection { get; set; }
}
