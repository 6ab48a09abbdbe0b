using Grpc.Core;

namespace OtlpGrains.LoadTool;

/// <summary>What one sender saw; each sender owns one, and they are merged at the end.</summary>
internal sealed class SenderStats(int services)
{
    private readonly List<long> _latencyTicks = [];

    /// <summary>Requests acknowledged with OK.</summary>
    public long Requests { get; private set; }

    /// <summary>Spans in acknowledged requests minus the spans the server said it rejected.</summary>
    public long AcknowledgedSpans { get; private set; }

    public long RejectedSpans { get; private set; }

    /// <summary>Acknowledged requests that rejected some spans: which services lost them is unknown.</summary>
    public long PartiallyRejectedRequests { get; private set; }

    public long Retries { get; private set; }

    public long Failures { get; private set; }

    public Dictionary<StatusCode, long> FailuresByStatus { get; } = [];

    public string? LastFailure { get; private set; }

    /// <summary>Request spans (SERVER, CONSUMER or root) of fully acknowledged requests, by service index.</summary>
    public long[] ExpectedRequests { get; } = new long[services];

    /// <summary>Time from the first attempt to the acknowledgement, in <see cref="System.Diagnostics.Stopwatch"/> ticks.</summary>
    public IReadOnlyList<long> LatencyTicks => _latencyTicks;

    public void Acknowledged(TraceTemplate template, long rejectedSpans, long latencyTicks)
    {
        Requests++;
        AcknowledgedSpans += template.SpanCount - rejectedSpans;
        _latencyTicks.Add(latencyTicks);
        if (rejectedSpans > 0)
        {
            RejectedSpans += rejectedSpans;
            PartiallyRejectedRequests++;
            return;
        }

        for (int i = 0; i < ExpectedRequests.Length; i++)
        {
            ExpectedRequests[i] += template.RequestsPerService[i];
        }
    }

    public void Retried() => Retries++;

    public void Failed(RpcException ex)
    {
        Failures++;
        FailuresByStatus[ex.StatusCode] = FailuresByStatus.GetValueOrDefault(ex.StatusCode) + 1;
        LastFailure = $"{ex.StatusCode}: {ex.Status.Detail}";
    }

    public void Add(SenderStats other)
    {
        Requests += other.Requests;
        AcknowledgedSpans += other.AcknowledgedSpans;
        RejectedSpans += other.RejectedSpans;
        PartiallyRejectedRequests += other.PartiallyRejectedRequests;
        Retries += other.Retries;
        Failures += other.Failures;
        foreach ((StatusCode status, long count) in other.FailuresByStatus)
        {
            FailuresByStatus[status] = FailuresByStatus.GetValueOrDefault(status) + count;
        }

        LastFailure = other.LastFailure ?? LastFailure;
        for (int i = 0; i < ExpectedRequests.Length; i++)
        {
            ExpectedRequests[i] += other.ExpectedRequests[i];
        }

        _latencyTicks.AddRange(other._latencyTicks);
    }
}
