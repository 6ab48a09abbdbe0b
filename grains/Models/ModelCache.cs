using System.Security.Cryptography;
using Microsoft.Extensions.Options;
using OtlpGrains.Interfaces;
using OtlpGrains.Models.Artifacts;
using OtlpGrains.Models.Detection;

namespace OtlpGrains.Grains.Models;

/// <summary>
/// The loaded model versions of one silo. A version is read from its artifact grain and loaded by its kind's codec
/// once per silo, and every grain of the silo shares that one immutable <see cref="IAnomalyModel"/>. Bounded: beyond
/// <see cref="ModelRegistryOptions.CachedModels"/> the least recently asked-for version is dropped (grains that hold
/// it keep using it). A failed load is not kept, so the next request tries again.
/// </summary>
public sealed class ModelCache(IGrainFactory grains, ModelCodecs codecs, IOptions<ModelRegistryOptions> options)
{
    private readonly Lock _lock = new();
    private readonly Dictionary<(string Name, int Version), Entry> _entries = [];
    private long _clock;
    private long _loads;

    /// <summary>Artifacts loaded so far by this silo.</summary>
    public long Loads => Interlocked.Read(ref _loads);

    /// <summary>The loaded model of a version; throws <see cref="ModelArtifactException"/> when it cannot be loaded.</summary>
    public Task<IAnomalyModel> GetAsync(string name, int version)
    {
        var key = (name, version);
        lock (_lock)
        {
            if (_entries.TryGetValue(key, out var entry) && !entry.Model.IsFaulted && !entry.Model.IsCanceled)
            {
                entry.LastUse = ++_clock;
                return entry.Model;
            }

            _entries.Remove(key);

            // Off the caller's scheduler: the load outlives the first grain that asked, whichever it is.
            var load = Task.Run(() => LoadAsync(name, version));
            entry = new Entry(load) { LastUse = ++_clock };
            _entries.Add(key, entry);
            Evict(options.Value.CachedModels);
            // A failed load is dropped as soon as it fails, so it neither holds a slot nor answers the next request.
            _ = load.ContinueWith(_ => Forget(key, entry), CancellationToken.None, TaskContinuationOptions.NotOnRanToCompletion, TaskScheduler.Default);
            return load;
        }
    }

    private async Task<IAnomalyModel> LoadAsync(string name, int version)
    {
        var artifact = await grains.GetGrain<IModelArtifactGrain>(IModelArtifactGrain.KeyOf(name, version)).GetAsync()
            ?? throw new ModelArtifactException($"no artifact is stored for model '{name}' version {version}");
        var sha256 = Convert.ToHexStringLower(SHA256.HashData(artifact.Bytes));
        if (sha256 != artifact.Sha256)
        {
            throw new ModelArtifactException($"the stored artifact of model '{name}' version {version} hashes to {sha256}, not {artifact.Sha256}");
        }

        Interlocked.Increment(ref _loads);
        return codecs.For(artifact.Kind).Load(artifact.Bytes);
    }

    private void Evict(int capacity)
    {
        while (_entries.Count > capacity)
        {
            var oldest = _entries.MinBy(e => e.Value.LastUse).Key;
            _entries.Remove(oldest);
        }
    }

    private void Forget((string, int) key, Entry failed)
    {
        lock (_lock)
        {
            if (_entries.TryGetValue(key, out var current) && ReferenceEquals(current, failed))
            {
                _entries.Remove(key);
            }
        }
    }

    private sealed class Entry(Task<IAnomalyModel> model)
    {
        public Task<IAnomalyModel> Model { get; } = model;

        public long LastUse { get; set; }
    }
}
