using OtlpGrains.Models.Services;

namespace OtlpGrains.Grains.Services;

/// <summary>
/// A service's rolling state together with the number of the last logged batch it includes: restoring both and
/// replaying the log after that number gives exactly the counts that were acknowledged.
/// </summary>
[GenerateSerializer, Alias("otlpgrains.ServiceCheckpoint")]
public sealed class ServiceCheckpoint
{
    [Id(0)]
    public ServiceStatistics? Statistics { get; set; }

    [Id(1)]
    public long AppliedSequence { get; set; }

    [Id(2)]
    public RecentBatchIds? RecentBatchIds { get; set; }
}
