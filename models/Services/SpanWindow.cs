using OtlpGrains.Interfaces;
using OtlpGrains.Models.Statistics;

namespace OtlpGrains.Models.Services;

/// <summary>A service's spans in one window of event time; operations are keyed by the service's operation ids.</summary>
[GenerateSerializer, Alias("otlpgrains.SpanWindow")]
internal sealed class SpanWindow
{
    [Id(0)]
    public long Spans;

    [Id(1)]
    public long Requests;

    [Id(2)]
    public long Errors;

    [Id(3)]
    public readonly LatencyHistogram RequestLatency = new();

    [Id(4)]
    public readonly Dictionary<int, OperationWindow> Operations = [];

    /// <summary>The window's slowest request, its operation a service operation id.</summary>
    [Id(5)]
    public TraceExemplar? Slowest;

    /// <summary>The window's last failed request (by end time), its operation a service operation id.</summary>
    [Id(6)]
    public TraceExemplar? LastFailed;

    /// <summary>Takes a request into the exemplars when it is slower than the slowest, or a later failure.</summary>
    public void Offer(TraceExemplar request)
    {
        if (request.Failed && (LastFailed is not { } failed || request.EndUnixNano >= failed.EndUnixNano))
        {
            LastFailed = request;
        }

        if (Slowest is not { } slowest || request.DurationNanos > slowest.DurationNanos)
        {
            Slowest = request;
        }
    }
}
