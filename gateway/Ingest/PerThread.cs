namespace OtlpGrains.Gateway.Ingest;

/// <summary>Something a thread reuses across requests: cleared after each, and kept only while it stays small.</summary>
internal interface IReusable
{
    /// <summary>Empties it for the next request; false when it grew too large to keep.</summary>
    bool Clear();
}

/// <summary>
/// One reusable <typeparamref name="T"/> per thread (the request groupings): a reader rents it, fills it, builds its
/// plan and returns it, so that its dictionaries and buffers are cleared rather than allocated per request.
/// </summary>
internal static class PerThread<T>
    where T : class, IReusable, new()
{
    [ThreadStatic]
    private static T? _cached;

    /// <summary>This thread's instance, or a new one when it is in use (a reader that re-enters).</summary>
    public static T Rent()
    {
        var item = _cached ?? new T();
        _cached = null;
        return item;
    }

    public static void Return(T item)
    {
        if (item.Clear())
        {
            _cached = item;
        }
    }
}
