using System.Diagnostics.Metrics;
using OtlpGrains.Interfaces;

namespace OtlpGrains.Grains.Federation;

/// <summary>
/// What federation costs and how the peers answer, on the <see cref="MeterName"/> meter (on <c>/metrics</c> as
/// <c>otlpgrains_federation_...</c>), per peer: pulls, trace queries and other live calls by outcome, and the summary
/// bytes received.
/// Counted on the silo that holds the federation grain, since it started.
/// </summary>
internal sealed class FederationInstruments
{
    public const string MeterName = "OtlpGrains.Federation";

    private readonly Counter<long> _pulls;
    private readonly Counter<long> _pulledBytes;
    private readonly Counter<long> _traceQueries;
    private readonly Counter<long> _calls;

    public FederationInstruments(IMeterFactory meters)
    {
        ArgumentNullException.ThrowIfNull(meters);
        var meter = meters.Create(MeterName);
        _pulls = meter.CreateCounter<long>("pulls_total", "{pull}", "Summary pulls from a peer, by peer and outcome (ok, timeout, unavailable, refused, error).");
        _pulledBytes = meter.CreateCounter<long>("pulled_bytes_total", "By", "Bytes of the summaries received from a peer (protobuf, before HTTP/2 framing).");
        _traceQueries = meter.CreateCounter<long>("trace_queries_total", "{query}", "Live trace queries sent to a peer, by peer and outcome.");
        _calls = meter.CreateCounter<long>("calls_total", "{call}", "Other live calls to a peer (graph, evidence, changed), by peer, call and outcome.");
    }

    public void Pulled(string peer, ClusterStatus status, long bytes)
    {
        _pulls.Add(1, new KeyValuePair<string, object?>("peer", peer), new KeyValuePair<string, object?>("status", Name(status)));
        if (bytes > 0)
        {
            _pulledBytes.Add(bytes, new KeyValuePair<string, object?>("peer", peer));
        }
    }

    public void TraceQueried(string peer, ClusterStatus status) =>
        _traceQueries.Add(1, new KeyValuePair<string, object?>("peer", peer), new KeyValuePair<string, object?>("status", Name(status)));

    public void Called(string peer, string call, ClusterStatus status) =>
        _calls.Add(1, new KeyValuePair<string, object?>("peer", peer), new KeyValuePair<string, object?>("call", call), new KeyValuePair<string, object?>("status", Name(status)));

    private static string Name(ClusterStatus status) => status switch
    {
        ClusterStatus.Ok => "ok",
        ClusterStatus.Timeout => "timeout",
        ClusterStatus.Unavailable => "unavailable",
        ClusterStatus.Refused => "refused",
        _ => "error",
    };
}
