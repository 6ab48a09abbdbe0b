namespace OtlpGrains.LoadTool;

/// <summary>What one sender saw; each sender owns one, and they are merged at the end.</summary>
internal sealed class SenderStats(int services)
{
    private readonly List<long> _latencyTicks = [];

    /// <summary>Requests acknowledged with OK.</summary>
    public long Requests { get; private set; }

    /// <summary>Items (spans, records) in acknowledged requests minus the items the server said it rejected.</summary>
    public long AcknowledgedItems { get; private set; }

    public long RejectedItems { get; private set; }

    /// <summary>Acknowledged requests that rejected some items: which services lost them is unknown.</summary>
    public long PartiallyRejectedRequests { get; private set; }

    public long Retries { get; private set; }

    /// <summary>Refusals that asked the sender to back off (then retried), by status: how overload shows.</summary>
    public Dictionary<string, long> ThrottlesByStatus { get; } = [];

    public long Failures { get; private set; }

    public Dictionary<string, long> FailuresByStatus { get; } = [];

    public string? LastFailure { get; private set; }

    /// <summary>What fully acknowledged requests make the cluster count, by service index (<see cref="RequestTemplate.ExpectedPerService"/>).</summary>
    public long[] ExpectedPerService { get; } = new long[services];

    /// <summary>Time from the first attempt to the acknowledgement, in <see cref="System.Diagnostics.Stopwatch"/> ticks.</summary>
    public IReadOnlyList<long> LatencyTicks => _latencyTicks;

    public void Acknowledged(RequestTemplate template, long rejectedItems, long latencyTicks)
    {
        Requests++;
        AcknowledgedItems += template.ItemCount - rejectedItems;
        _latencyTicks.Add(latencyTicks);
        if (rejectedItems > 0)
        {
            RejectedItems += rejectedItems;
            PartiallyRejectedRequests++;
            return;
        }

        for (int i = 0; i < ExpectedPerService.Length; i++)
        {
            ExpectedPerService[i] += template.ExpectedPerService[i];
        }
    }

    public void Retried(ExportRefusedException ex)
    {
        Retries++;
        ThrottlesByStatus[ex.Status] = ThrottlesByStatus.GetValueOrDefault(ex.Status) + 1;
    }

    public void Failed(ExportRefusedException ex)
    {
        Failures++;
        FailuresByStatus[ex.Status] = FailuresByStatus.GetValueOrDefault(ex.Status) + 1;
        LastFailure = ex.Message;
    }

    public void Add(SenderStats other)
    {
        Requests += other.Requests;
        AcknowledgedItems += other.AcknowledgedItems;
        RejectedItems += other.RejectedItems;
        PartiallyRejectedRequests += other.PartiallyRejectedRequests;
        Retries += other.Retries;
        Failures += other.Failures;
        foreach ((string status, long count) in other.FailuresByStatus)
        {
            FailuresByStatus[status] = FailuresByStatus.GetValueOrDefault(status) + count;
        }

        foreach ((string status, long count) in other.ThrottlesByStatus)
        {
            ThrottlesByStatus[status] = ThrottlesByStatus.GetValueOrDefault(status) + count;
        }

        LastFailure = other.LastFailure ?? LastFailure;
        for (int i = 0; i < ExpectedPerService.Length; i++)
        {
            ExpectedPerService[i] += other.ExpectedPerService[i];
        }

        _latencyTicks.AddRange(other._latencyTicks);
    }
}
