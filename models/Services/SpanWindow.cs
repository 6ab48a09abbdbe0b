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

    /// <summary>The window's slowest request and its last failed one, as a reader sees them (each when there is one).</summary>
    public RequestTrace[] Traces(CappedNameTable operations) => (Slowest, LastFailed) switch
    {
        ({ } slowest, { } failed) when slowest != failed => [TraceOf(operations, slowest), TraceOf(operations, failed)],
        ({ } slowest, _) => [TraceOf(operations, slowest)],
        _ => [],
    };

    private static RequestTrace TraceOf(CappedNameTable operations, TraceExemplar exemplar) => new(
        exemplar.Trace.ToString(),
        operations.NameOf(exemplar.Operation),
        UnixNanos.ToDateTimeOffset(exemplar.EndUnixNano),
        exemplar.DurationNanos / 1_000_000d,
        exemplar.Failed);

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
