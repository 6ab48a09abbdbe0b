using System.Collections.Concurrent;
using Orleans.Serialization;
using Orleans.Storage;
using OtlpGrains.Grains.Services;
using OtlpGrains.Models.Services;

namespace OtlpGrains.Grains.Tests;

/// <summary>
/// Grain storage that outlives the silos of a test (process-wide) and can be told to refuse writes, so that a test
/// can make a service grain lose everything since its last checkpoint, as a killed silo would.
/// </summary>
internal sealed class FreezableGrainStorage(Serializer serializer) : IGrainStorage
{
    private static readonly ConcurrentDictionary<string, byte[]> States = new();

    public static volatile bool Frozen;

    public Task ReadStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        if (States.TryGetValue($"{grainId}/{stateName}", out var bytes))
        {
            grainState.State = serializer.Deserialize<T>(bytes);
            grainState.RecordExists = true;
            grainState.ETag = bytes.Length.ToString(System.Globalization.CultureInfo.InvariantCulture);
        }

        return Task.CompletedTask;
    }

    public Task WriteStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        if (Frozen)
        {
            throw new InvalidOperationException("storage is frozen: the silo 'died' before this checkpoint");
        }

        // A copy, as a database would hold: the grain goes on changing its live state after the checkpoint.
        States[$"{grainId}/{stateName}"] = serializer.SerializeToArray(grainState.State);
        grainState.RecordExists = true;
        return Task.CompletedTask;
    }

    public Task ClearStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        States.TryRemove($"{grainId}/{stateName}", out _);
        grainState.RecordExists = false;
        return Task.CompletedTask;
    }
}

/// <summary>
/// A durable batch log kept in process memory, fenced per service as the PostgreSQL one is; it can be told to fail the
/// next append.
/// </summary>
internal sealed class FlakyBatchLog : IServiceBatchLog
{
    private static readonly ConcurrentDictionary<string, List<(long Sequence, LoggedBatch Batch)>> Logs = new();
    private static readonly ConcurrentDictionary<string, long> Epochs = new();

    public static volatile bool FailNextAppend;

    public bool IsDurable => true;

    /// <summary>Fences the service's log as a newer activation would, behind the grain's back; returns the new epoch.</summary>
    public static long FenceAsAnotherActivation(string service) => Epochs.AddOrUpdate(service, 1, (_, epoch) => epoch + 1);

    /// <summary>Logs a batch as that newer activation would, under the next number.</summary>
    public static void AppendAsAnotherActivation(string service, LoggedBatch batch)
    {
        var log = Logs.GetOrAdd(service, _ => []);
        lock (log)
        {
            log.Add((log.Count == 0 ? 1 : log.Max(entry => entry.Sequence) + 1, batch));
        }
    }

    public Task<long> FenceAsync(string service, CancellationToken cancellationToken) => Task.FromResult(FenceAsAnotherActivation(service));

    public Task<bool> AppendAsync(string service, long sequence, LoggedBatch batch, long epoch, CancellationToken cancellationToken)
    {
        if (FailNextAppend)
        {
            FailNextAppend = false;
            throw new InvalidOperationException("the log is unreachable");
        }

        var log = Logs.GetOrAdd(service, _ => []);
        lock (log)
        {
            ThrowIfFenced(service, epoch);
            if (log.Any(entry => entry.Batch.BatchId == batch.BatchId))
            {
                return Task.FromResult(false);
            }

            if (log.Any(entry => entry.Sequence == sequence))
            {
                throw new InvalidOperationException($"number {sequence} of {service} is taken (the primary key refuses it)");
            }

            log.Add((sequence, batch));
            return Task.FromResult(true);
        }
    }

    public Task<IReadOnlyList<(long Sequence, LoggedBatch Batch)>> ReadAfterAsync(string service, long afterSequence, int max, long epoch, CancellationToken cancellationToken)
    {
        var log = Logs.GetOrAdd(service, _ => []);
        lock (log)
        {
            ThrowIfFenced(service, epoch);
            return Task.FromResult<IReadOnlyList<(long, LoggedBatch)>>([.. log.Where(e => e.Sequence > afterSequence).OrderBy(e => e.Sequence).Take(max)]);
        }
    }

    public Task<long> PruneAsync(string service, long throughSequence, TimeSpan olderThan, CancellationToken cancellationToken) => Task.FromResult(0L);

    private static void ThrowIfFenced(string service, long epoch)
    {
        long current = Epochs.GetValueOrDefault(service);
        if (current != epoch)
        {
            throw LogFencedException.Of(service, epoch, current);
        }
    }
}

/// <summary>Records every closed window the service grains hand over, per service, in order.</summary>
internal sealed class RecordingWindowCloseSink : IWindowCloseSink
{
    private static readonly ConcurrentDictionary<string, List<ClosedWindow>> Received = new();

    public static ClosedWindow[] Of(string service)
    {
        var list = Received.GetOrAdd(service, _ => []);
        lock (list)
        {
            return [.. list];
        }
    }

    public ValueTask WindowsClosedAsync(string service, IReadOnlyList<ClosedWindow> windows)
    {
        var list = Received.GetOrAdd(service, _ => []);
        lock (list)
        {
            list.AddRange(windows);
        }

        return ValueTask.CompletedTask;
    }
}

/// <summary>
/// The store of sealed windows for these tests: process-wide, as the grain storage above, so that it outlives an
/// activation the way a database would; it counts the windows written per service.
/// </summary>
internal sealed class SharedWindowStore(Serializer serializer) : IServiceWindowStore
{
    private static readonly ConcurrentDictionary<string, int> Written = new();
    private static InMemoryServiceWindowStore? _store;

    public static volatile bool FailNextWrite;

    private InMemoryServiceWindowStore Store => LazyInitializer.EnsureInitialized(ref _store, () => new InMemoryServiceWindowStore(serializer));

    /// <summary>How many windows were written for the service, rewrites included.</summary>
    public static int WrittenOf(string service) => Written.GetValueOrDefault(service);

    /// <summary>How many windows the store holds for the service.</summary>
    public static int CountOf(string service) => _store?.CountOf(service) ?? 0;

    public Task WriteAsync(string service, SealedWindowBatch batch, CancellationToken cancellationToken)
    {
        if (FailNextWrite)
        {
            FailNextWrite = false;
            throw new InvalidOperationException("the window store is unreachable");
        }

        Written.AddOrUpdate(service, batch.Windows.Count, (_, count) => count + batch.Windows.Count);
        return Store.WriteAsync(service, batch, cancellationToken);
    }

    public Task<IReadOnlyList<SealedWindow>> ReadAsync(string service, CancellationToken cancellationToken) => Store.ReadAsync(service, cancellationToken);

    public Task<long> PruneAsync(string service, IReadOnlyList<WindowRetention> retained, CancellationToken cancellationToken) =>
        Store.PruneAsync(service, retained, cancellationToken);
}
