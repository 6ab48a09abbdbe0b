using OtlpGrains.Interfaces;

namespace OtlpGrains.Models.Traces;

/// <summary>
/// Pairs client and server spans into service-graph edge calls by the OpenTelemetry Collector servicegraph rule: a
/// CLIENT or PRODUCER span pairs with the SERVER or CONSUMER span whose parent it is, and the call is credited to
/// the client's service. Each client span gives at most one call, ever: the drained ones are state, the lookups are
/// rebuilt from the span store on first use after deserialization.
/// </summary>
/// <remarks>
/// A client span whose child is a client span of its own service hands the call on: the application's HTTP client
/// span over its mesh sidecar's outbound span (Istio), or a gRPC client span over the HTTP client span beneath it.
/// The innermost client span pairs with the server, so the call is counted once, between the right services, and the
/// outer span does not become a call to a virtual node named by its <c>server.address</c>.
/// </remarks>
[GenerateSerializer, Alias("otlpgrains.EdgePairing")]
internal sealed class EdgePairing
{
    /// <summary>Client span ids that already gave an edge call.</summary>
    [Id(0)]
    private readonly HashSet<ulong> _drainedClients = [];

    [NonSerialized]
    private Dictionary<ulong, int>? _serverByParent;

    [NonSerialized]
    private Dictionary<ulong, int>? _clientByParent;

    [NonSerialized]
    private List<int>? _pendingClients;

    /// <summary>Builds the lookups from the spans already stored; call before adding new spans to the store.</summary>
    public void Prepare(TraceSpanStore store)
    {
        if (_serverByParent is not null)
        {
            return;
        }

        _serverByParent = [];
        _clientByParent = [];
        _pendingClients = [];
        for (var i = 0; i < store.Count; i++)
        {
            Index(store, i);
        }
    }

    /// <summary>Takes a span newly added to the store (after <see cref="Prepare"/>) into the pairing.</summary>
    public void Index(TraceSpanStore store, int index)
    {
        var span = store.Spans[index];
        switch (span.Kind)
        {
            // The first server span to arrive under a client span is its pair; a second one is unusual and ignored.
            case SpanKindCode.Server or SpanKindCode.Consumer when span.ParentSpanId != 0:
                _serverByParent!.TryAdd(span.ParentSpanId, index);
                break;
            case SpanKindCode.Client or SpanKindCode.Producer:
                if (span.ParentSpanId != 0)
                {
                    _clientByParent!.TryAdd(span.ParentSpanId, index);
                }

                if (!_drainedClients.Contains(span.SpanId))
                {
                    _pendingClients!.Add(index);
                }

                break;
        }
    }

    /// <summary>
    /// The edge calls not returned before. When <paramref name="final"/> is true, unpaired client spans that name a
    /// peer become calls to a virtual node; one without a pair or peer stays eligible for a later server span.
    /// </summary>
    public IReadOnlyList<(string Client, EdgeCall Call)> Drain(TraceSpanStore store, bool final)
    {
        Prepare(store);
        var spans = store.Spans;
        var pending = _pendingClients!;
        var serverByParent = _serverByParent!;
        List<(string Client, EdgeCall Call)>? calls = null;
        var kept = 0;
        for (var i = 0; i < pending.Count; i++)
        {
            var client = spans[pending[i]];
            var duration = Math.Max(0, client.EndUnixNano - client.StartUnixNano);
            if (serverByParent.TryGetValue(client.SpanId, out var serverIndex))
            {
                var server = spans[serverIndex];
                var call = new EdgeCall(
                    server.Service, false, client.EndUnixNano, duration, client.IsError || server.IsError);
                (calls ??= []).Add((client.Service, call));
                _drainedClients.Add(client.SpanId);
            }
            else if (_clientByParent!.TryGetValue(client.SpanId, out var innerIndex) && spans[innerIndex].Service == client.Service)
            {
                // Handed on to the inner client span, which gives the call.
                _drainedClients.Add(client.SpanId);
            }
            else if (final && !string.IsNullOrEmpty(client.Peer))
            {
                var call = new EdgeCall(client.Peer, true, client.EndUnixNano, duration, client.IsError);
                (calls ??= []).Add((client.Service, call));
                _drainedClients.Add(client.SpanId);
            }
            else
            {
                pending[kept++] = pending[i];
            }
        }

        pending.RemoveRange(kept, pending.Count - kept);
        return calls is null ? [] : calls;
    }
}
