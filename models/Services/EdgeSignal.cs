using System.Runtime.InteropServices;
using OtlpGrains.Interfaces;

namespace OtlpGrains.Models.Services;

/// <summary>
/// A service's outgoing calls: call totals per callee since first seen, and windows of calls, errors and latency
/// per callee. Edge windows do not close into features (yet).
/// </summary>
[GenerateSerializer, Alias("otlpgrains.EdgeSignal")]
internal sealed class EdgeSignal
{
    [Id(0)]
    private readonly SignalWindows<EdgeWindowSet> _windows;

    [Id(1)]
    private readonly CappedNameTable _callees;

    // Indexed by callee id.
    [Id(2)]
    private readonly List<KnownEdge> _edges = [];

    public EdgeSignal(ServiceWindowOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        _windows = new SignalWindows<EdgeWindowSet>(options);
        _callees = new CappedNameTable(options.MaxEdges);
    }

    public SignalWindows<EdgeWindowSet> Windows => _windows;

    public CappedNameTable Callees => _callees;

    public KnownEdge EdgeOf(int id) => _edges[id];

    /// <summary>
    /// Counts calls per callee in the totals and windows (late or future calls only in the totals); calls to callees
    /// beyond the limit are refused and counted in <paramref name="counters"/>.
    /// </summary>
    public void Add(EdgeCall[] calls, long nowUnixNano, ServiceCounters counters)
    {
        string? lastServer = null;
        int lastId = -1;
        foreach (ref readonly EdgeCall call in calls.AsSpan())
        {
            // Calls of one batch usually share a few callees: skip the hash when the string is the same instance.
            int id = ReferenceEquals(call.Server, lastServer) ? lastId : CalleeId(call.Server, call.Virtual);
            lastServer = call.Server;
            lastId = id;
            if (id < 0)
            {
                counters.CountRefusedEdgeCall();
                continue;
            }

            KnownEdge edge = _edges[id];
            edge.Virtual = call.Virtual;
            edge.Calls++;
            if (call.Error)
            {
                edge.Errors++;
            }

            EdgeWindowSet? window = _windows.Place(call.EndUnixNano, nowUnixNano);
            if (window is null)
            {
                continue;
            }

            ref EdgeWindow? edgeWindow = ref CollectionsMarshal.GetValueRefOrAddDefault(window.Callees, id, out _);
            edgeWindow ??= new EdgeWindow();
            edgeWindow.Calls++;
            edgeWindow.Latency.RecordNanos(call.DurationNanos);
            if (call.Error)
            {
                edgeWindow.Errors++;
            }
        }
    }

    // -1 when the callee is new and the service already has the most callees it may keep.
    private int CalleeId(string server, bool isVirtual)
    {
        int id = _callees.GetOrAdd(server);
        if (id == _edges.Count)
        {
            _edges.Add(new KnownEdge(isVirtual));
        }

        return id;
    }
}
