namespace OtlpGrains.Grains.Services;

/// <summary>
/// The last <see cref="Capacity"/> batch ids a service took, so that a sender's retry of a request the service
/// already counted (its batch id is the request's content hash) is skipped rather than counted twice.
/// </summary>
/// <remarks>
/// Only the ids in arrival order are state; the set that answers lookups is rebuilt from them after a restore, so a
/// checkpoint carries each id once.
/// </remarks>
[GenerateSerializer, Alias("otlpgrains.RecentBatchIds")]
public sealed class RecentBatchIds
{
    public const int Capacity = 4096;

    [NonSerialized]
    private HashSet<Guid>? _ids;

    // Id 0 held the set until checkpoints stopped carrying it; an old checkpoint's set is ignored and rebuilt.
    [Id(1)]
    private readonly Queue<Guid> _order = new();

    private HashSet<Guid> Ids => _ids ??= [.. _order];

    /// <summary>True when the id was taken (and is still remembered).</summary>
    public bool Contains(Guid id) => Ids.Contains(id);

    /// <summary>True when the id is new (and now remembered); false when it was taken before.</summary>
    public bool TryAdd(Guid id)
    {
        if (!Ids.Add(id))
        {
            return false;
        }

        _order.Enqueue(id);
        if (_order.Count > Capacity)
        {
            Ids.Remove(_order.Dequeue());
        }

        return true;
    }

    /// <summary>Forgets an id whose batch could not be taken after all, so that its retry is accepted.</summary>
    public void Forget(Guid id)
    {
        if (!Ids.Remove(id))
        {
            return;
        }

        // Rare (a failed append), so a pass over the queue is fine; the order must not bring the id back on a restore.
        Guid[] kept = [.. _order.Where(other => other != id)];
        _order.Clear();
        foreach (Guid other in kept)
        {
            _order.Enqueue(other);
        }
    }
}
