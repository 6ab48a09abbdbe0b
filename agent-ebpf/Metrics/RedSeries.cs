namespace OtlpGrains.Agent.Metrics;

/// <summary>A duration histogram being accumulated for one series until the next collection.</summary>
internal sealed class RedSeries(OtlpGrains.Agent.Processes.ProcessIdentity process, double[] bounds)
{
    public OtlpGrains.Agent.Processes.ProcessIdentity Process { get; } = process;

    public double[] Bounds { get; } = bounds;

    /// <summary>One bucket per bound plus the overflow bucket (OTLP explicit-bucket layout).</summary>
    public ulong[] Buckets { get; } = new ulong[bounds.Length + 1];

    public ulong Count { get; private set; }

    public double Sum { get; private set; }

    public double Min { get; private set; } = double.MaxValue;

    public double Max { get; private set; } = double.MinValue;

    public void Add(double value)
    {
        // Buckets are upper-inclusive: (bound[i-1], bound[i]].
        int bucket = Array.BinarySearch(Bounds, value);
        Buckets[bucket >= 0 ? bucket : ~bucket]++;
        Count++;
        Sum += value;
        Min = Math.Min(Min, value);
        Max = Math.Max(Max, value);
    }
}
