namespace OtlpGrains.Models.Detection.IsolationForest;

/// <summary>
/// The trees of one forest in flat arrays (no node objects: a compact snapshot, and no pointer chasing when
/// scoring). Node i of tree t lives at t x <c>nodesPerTree</c> + i; an inner node's children are at 2i+1 and 2i+2,
/// so only the split feature, split value and, for a leaf, the number of samples it held are stored.
/// </summary>
[GenerateSerializer, Alias("otlpgrains.iforest.IsolationTrees")]
public sealed class IsolationTrees
{
    // Marks a leaf in _feature.
    private const short Leaf = -1;

    [Id(0)] private readonly short[] _feature;
    [Id(1)] private readonly double[] _split;
    [Id(2)] private readonly int[] _leafSize;
    [Id(3)] private readonly int _trees;
    [Id(4)] private readonly int _height;
    [Id(5)] private readonly int _sampleSize;

    public IsolationTrees(int trees, int sampleSize)
    {
        _trees = trees;
        _sampleSize = sampleSize;
        _height = (int)Math.Ceiling(Math.Log2(sampleSize));
        int nodes = NodesPerTree;
        _feature = new short[trees * nodes];
        _split = new double[trees * nodes];
        _leafSize = new int[trees * nodes];
    }

    private int NodesPerTree => (1 << (_height + 1)) - 1;

    /// <summary>
    /// Grows every tree from a sample of rows (the sample size given at construction) drawn without replacement from
    /// <paramref name="rows"/> (row-major, <paramref name="dimensions"/> per row).
    /// </summary>
    public void Grow(ReadOnlySpan<double> rows, int rowCount, int dimensions, SplitMix64 random)
    {
        int take = Math.Min(_sampleSize, rowCount);
        var order = new int[rowCount];
        for (int t = 0; t < _trees; t++)
        {
            // A partial Fisher-Yates shuffle picks this tree's sample.
            for (int i = 0; i < rowCount; i++)
            {
                order[i] = i;
            }

            for (int i = 0; i < take; i++)
            {
                int j = i + random.NextInt(rowCount - i);
                (order[i], order[j]) = (order[j], order[i]);
            }

            GrowNode(t * NodesPerTree, 0, 0, order.AsSpan(0, take), rows, dimensions, random);
        }
    }

    /// <summary>
    /// The isolation score of <paramref name="point"/> in [0, 1] (0.5 typical, near 1 isolated at once), and in
    /// <paramref name="credit"/> (one slot per dimension) how much each dimension's splits did to isolate it.
    /// </summary>
    public double Score(ReadOnlySpan<double> point, Span<double> credit)
    {
        credit.Clear();
        double totalDepth = 0;
        for (int t = 0; t < _trees; t++)
        {
            int root = t * NodesPerTree;
            int node = 0;
            int depth = 0;
            while (_feature[root + node] != Leaf)
            {
                int feature = _feature[root + node];

                // A split near the root separates the point from most of the sample: it earns the most credit.
                credit[feature] += 1.0 / (depth + 1);
                node = point[feature] < _split[root + node] ? (2 * node) + 1 : (2 * node) + 2;
                depth++;
            }

            totalDepth += depth + AveragePathLength(_leafSize[root + node]);
        }

        return Math.Pow(2, -(totalDepth / _trees) / AveragePathLength(_sampleSize));
    }

    private void GrowNode(int root, int node, int depth, Span<int> members, ReadOnlySpan<double> rows, int dimensions, SplitMix64 random)
    {
        if (depth >= _height || members.Length <= 1 || !TryPickSplit(members, rows, dimensions, random, out int feature, out double split))
        {
            _feature[root + node] = Leaf;
            _leafSize[root + node] = members.Length;
            return;
        }

        // Partition the members in place: those below the split first.
        int below = 0;
        for (int i = 0; i < members.Length; i++)
        {
            if (rows[(members[i] * dimensions) + feature] < split)
            {
                (members[below], members[i]) = (members[i], members[below]);
                below++;
            }
        }

        _feature[root + node] = (short)feature;
        _split[root + node] = split;
        GrowNode(root, (2 * node) + 1, depth + 1, members[..below], rows, dimensions, random);
        GrowNode(root, (2 * node) + 2, depth + 1, members[below..], rows, dimensions, random);
    }

    // The first dimension, from a random start, that still varies within the node; split uniformly between its min
    // and max.
    private static bool TryPickSplit(ReadOnlySpan<int> members, ReadOnlySpan<double> rows, int dimensions, SplitMix64 random, out int feature, out double split)
    {
        int start = random.NextInt(dimensions);
        for (int k = 0; k < dimensions; k++)
        {
            feature = (start + k) % dimensions;
            double min = double.PositiveInfinity;
            double max = double.NegativeInfinity;
            foreach (int member in members)
            {
                double value = rows[(member * dimensions) + feature];
                min = Math.Min(min, value);
                max = Math.Max(max, value);
            }

            if (max > min)
            {
                split = min + (random.NextDouble() * (max - min));
                if (split > min)
                {
                    return true;
                }
            }
        }

        feature = 0;
        split = 0;
        return false;
    }

    // The average path length of an unsuccessful search in a binary search tree of n keys: how much deeper a leaf
    // of n samples would have gone had the tree not stopped at its height limit.
    private static double AveragePathLength(int n) => n switch
    {
        <= 1 => 0,
        2 => 1,
        _ => (2 * (Math.Log(n - 1) + 0.5772156649)) - (2.0 * (n - 1) / n),
    };
}
