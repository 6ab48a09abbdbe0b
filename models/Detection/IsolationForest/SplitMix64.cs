namespace OtlpGrains.Models.Detection.IsolationForest;

/// <summary>
/// A tiny random generator whose whole state is one number, kept in the detector state: a restored state draws
/// the same numbers, so it grows the same trees (System.Random cannot be snapshotted).
/// </summary>
[GenerateSerializer, Alias("otlpgrains.iforest.SplitMix64")]
public sealed class SplitMix64
{
    [Id(0)] private ulong _state;

    public SplitMix64(ulong seed)
    {
        _state = seed;
    }

    public ulong Next()
    {
        ulong z = _state += 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }

    /// <summary>A uniform integer in [0, <paramref name="bound"/>).</summary>
    public int NextInt(int bound) => (int)(Next() % (ulong)bound);

    /// <summary>A uniform double in [0, 1).</summary>
    public double NextDouble() => (Next() >> 11) * (1.0 / (1UL << 53));
}
