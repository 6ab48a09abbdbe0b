namespace OtlpGrains.Evaluate.Replay;

/// <summary>Merges sequences that are each sorted by a key into one sorted sequence, reading each lazily.</summary>
internal static class SortedMerge
{
    /// <summary>Ties go to the earlier source, so the merge is stable and repeatable.</summary>
    public static IEnumerable<T> Of<T>(IReadOnlyList<IEnumerable<T>> sources, Func<T, long> key)
    {
        var heads = new PriorityQueue<int, (long Key, int Source)>();
        var enumerators = new IEnumerator<T>[sources.Count];
        try
        {
            for (int i = 0; i < sources.Count; i++)
            {
                enumerators[i] = sources[i].GetEnumerator();
                if (enumerators[i].MoveNext())
                {
                    heads.Enqueue(i, (key(enumerators[i].Current), i));
                }
            }

            while (heads.TryDequeue(out int source, out _))
            {
                IEnumerator<T> enumerator = enumerators[source];
                yield return enumerator.Current;
                if (enumerator.MoveNext())
                {
                    heads.Enqueue(source, (key(enumerator.Current), source));
                }
            }
        }
        finally
        {
            foreach (IEnumerator<T>? enumerator in enumerators)
            {
                enumerator?.Dispose();
            }
        }
    }
}
