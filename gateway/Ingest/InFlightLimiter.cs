namespace OtlpGrains.Gateway.Ingest;

/// <summary>
/// Bounds the items (spans, points, log records) being handed to the grains at once. Refusing early, with a
/// retryable status, is how the gateway pushes back instead of queueing without limit.
/// </summary>
internal sealed class InFlightLimiter(int maxItems)
{
    private long _inFlight;

    public long InFlight => Interlocked.Read(ref _inFlight);

    public int MaxItems => maxItems;

    /// <summary>
    /// Takes room for <paramref name="items"/>; a request larger than the limit is still admitted when nothing
    /// else is in flight, so that it can never be refused forever.
    /// </summary>
    public bool TryAcquire(int items)
    {
        var after = Interlocked.Add(ref _inFlight, items);
        if (after <= maxItems || after == items)
        {
            return true;
        }

        Interlocked.Add(ref _inFlight, -items);
        return false;
    }

    public void Release(int items) => Interlocked.Add(ref _inFlight, -items);
}
