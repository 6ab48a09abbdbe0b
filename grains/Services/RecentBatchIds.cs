namespace OtlpGrains.Grains.Services;

/// <summary>
/// The last <see cref="Capacity"/> batch ids a service took, so that a sender's retry of a request the service
/// already counted (its batch id is the request's content hash) is skipped rather than counted twice.
/// </summary>
[GenerateSerializer, Alias("otlpgrains.RecentBatchIds")]
public sealed class RecentBatchIds
{
    public const int Capacity = 4096;

    [Id(0)]
    private readonly HashSet<Guid> _ids = [];

    [Id(1)]
    private readonly Queue<Guid> _order = new();

    /// <summary>True when the id was taken (and is still remembered).</summary>
    public bool Contains(Guid id) => _ids.Contains(id);

    /// <summary>True when the id is new (and now remembered); false when it was taken before.</summary>
    public bool TryAdd(Guid id)
    {
        if (!_ids.Add(id))
        {
            return false;
        }

        _order.Enqueue(id);
        if (_order.Count > Capacity)
        {
            _ids.Remove(_order.Dequeue());
        }

        return true;
    }

    /// <summary>Forgets an id whose batch could not be taken after all, so that its retry is accepted.</summary>
    public void Forget(Guid id) => _ids.Remove(id);
}
