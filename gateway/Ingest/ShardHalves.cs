using OtlpGrains.Interfaces;

namespace OtlpGrains.Gateway.Ingest;

/// <summary>
/// A request's halves for one join shard (<see cref="JoinShards"/>), grouped as they are read so that the pipeline
/// hands the array on as it is; <see cref="Services"/> names each half's service, for the service limits.
/// </summary>
internal readonly record struct ShardHalves(int Shard, JoinHalf[] Halves, string[] Services)
{
    /// <summary>The halves whose service is not in <paramref name="refused"/>, or null when none is left.</summary>
    public ShardHalves? Without(HashSet<string> refused)
    {
        int kept = 0;
        foreach (string service in Services)
        {
            kept += refused.Contains(service) ? 0 : 1;
        }

        if (kept == Halves.Length)
        {
            return this;
        }

        if (kept == 0)
        {
            return null;
        }

        var halves = new JoinHalf[kept];
        var services = new string[kept];
        for (int i = 0, k = 0; i < Halves.Length; i++)
        {
            if (!refused.Contains(Services[i]))
            {
                (halves[k], services[k]) = (Halves[i], Services[i]);
                k++;
            }
        }

        return new ShardHalves(Shard, halves, services);
    }
}
