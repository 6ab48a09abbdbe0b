using Orleans.Runtime;
using OtlpGrains.Interfaces;

namespace OtlpGrains.Gateway.Tests;

/// <summary>
/// Stands in for the cluster: hands out recording fakes of the service grains by name and of the trace shards by number (recording per trace), and lets
/// a test decide how every grain call ends (done, blocked on a task, or failed). Anything else is not supported.
/// </summary>
internal sealed class FakeGrainFactory : IGrainFactory
{
    private readonly Dictionary<string, FakeServiceGrain> _services = new(StringComparer.Ordinal);
    private readonly Dictionary<string, FakeTraceGrain> _traces = new(StringComparer.Ordinal);

    /// <summary>What every grain call returns; completed by default, a pending task to block the pipeline.</summary>
    public Task Completion { get; set; } = Task.CompletedTask;

    /// <summary>When set, every grain call throws this instead.</summary>
    public Exception? Failure { get; set; }

    /// <summary>Grain calls made so far, over all fakes.</summary>
    public int Calls { get; private set; }

    public IReadOnlyDictionary<string, FakeServiceGrain> Services => _services;

    public IReadOnlyDictionary<string, FakeTraceGrain> Traces => _traces;

    /// <summary>The service catalog, which admits new services under its limit.</summary>
    public FakeServiceCatalogGrain Catalog { get; } = new();

    TGrainInterface IGrainFactory.GetGrain<TGrainInterface>(string primaryKey, string? grainClassNamePrefix)
    {
        if (typeof(TGrainInterface) == typeof(IServiceGrain))
        {
            if (!_services.TryGetValue(primaryKey, out var service))
            {
                service = new FakeServiceGrain(this);
                _services.Add(primaryKey, service);
            }

            return (TGrainInterface)(object)service;
        }

        if (typeof(TGrainInterface) == typeof(IServiceCatalogGrain))
        {
            return (TGrainInterface)(object)Catalog;
        }

        throw new NotSupportedException($"no fake for {typeof(TGrainInterface).Name}");
    }

    /// <summary>Counts a call and ends it the way the test asked.</summary>
    internal ValueTask Call()
    {
        Calls++;
        return Failure is null ? new ValueTask(Completion) : ValueTask.FromException(Failure);
    }

    TGrainInterface IGrainFactory.GetGrain<TGrainInterface>(Guid primaryKey, string? grainClassNamePrefix) => throw new NotSupportedException();

    /// <summary>The halves each join shard was handed, one array per call.</summary>
    public Dictionary<long, List<JoinHalf[]>> JoinShardCalls { get; } = [];

    TGrainInterface IGrainFactory.GetGrain<TGrainInterface>(long primaryKey, string? grainClassNamePrefix) =>
        typeof(TGrainInterface) == typeof(ITraceShardGrain) ? (TGrainInterface)(object)new FakeTraceShardGrain(this, primaryKey)
            : typeof(TGrainInterface) == typeof(IJoinShardGrain) ? (TGrainInterface)(object)new FakeJoinShardGrain(this, primaryKey)
            : throw new NotSupportedException($"no fake for {typeof(TGrainInterface).Name}");

    /// <summary>The record of one trace, made on first use.</summary>
    internal FakeTraceGrain Trace(string traceId)
    {
        if (!_traces.TryGetValue(traceId, out var trace))
        {
            trace = new FakeTraceGrain();
            _traces.Add(traceId, trace);
        }

        return trace;
    }

    TGrainInterface IGrainFactory.GetGrain<TGrainInterface>(Guid primaryKey, string keyExtension, string? grainClassNamePrefix) => throw new NotSupportedException();

    TGrainInterface IGrainFactory.GetGrain<TGrainInterface>(long primaryKey, string keyExtension, string? grainClassNamePrefix) => throw new NotSupportedException();

    TGrainInterface IGrainFactory.GetGrain<TGrainInterface>(GrainId grainId) => throw new NotSupportedException();

    TGrainObserverInterface IGrainFactory.CreateObjectReference<TGrainObserverInterface>(IGrainObserver obj) => throw new NotSupportedException();

    void IGrainFactory.DeleteObjectReference<TGrainObserverInterface>(IGrainObserver obj) => throw new NotSupportedException();

    IGrain IGrainFactory.GetGrain(Type grainInterfaceType, Guid grainPrimaryKey) => throw new NotSupportedException();

    IGrain IGrainFactory.GetGrain(Type grainInterfaceType, long grainPrimaryKey) => throw new NotSupportedException();

    IGrain IGrainFactory.GetGrain(Type grainInterfaceType, string grainPrimaryKey) => throw new NotSupportedException();

    IGrain IGrainFactory.GetGrain(Type grainInterfaceType, Guid grainPrimaryKey, string keyExtension) => throw new NotSupportedException();

    IGrain IGrainFactory.GetGrain(Type grainInterfaceType, long grainPrimaryKey, string keyExtension) => throw new NotSupportedException();

    IAddressable IGrainFactory.GetGrain(Type interfaceType, IdSpan grainKey) => throw new NotSupportedException();

    IAddressable IGrainFactory.GetGrain(Type interfaceType, IdSpan grainKey, string grainClassNamePrefix) => throw new NotSupportedException();

    IAddressable IGrainFactory.GetGrain(GrainId grainId) => throw new NotSupportedException();

    IAddressable IGrainFactory.GetGrain(GrainId grainId, GrainInterfaceType interfaceType) => throw new NotSupportedException();
}
