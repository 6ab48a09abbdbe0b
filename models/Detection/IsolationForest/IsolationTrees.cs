namespace OtlpGrains.Models.Detection.IsolationForest;

/// <summary>
/// The trees of one forest in flat arrays (no node objects: a compact snapshot, and no pointer chasing when
/// scoring). Node i of tree t lives at t x <c>nodesPerTree</c> + i; an inner node's children are at 2i+1 and 2i+2,
/// so only the split feature, split value, the range the node's samples spanned on that feature and, for a leaf,
/// the number of samples it held are stored (single precision: ample for splitting, half the memory).
/// </summary>
/// <remarks>
/// Each tree also keeps its sample's bounding box: a point far outside it in any dimension is isolated at the root
/// (see <c>BoxMargin</c>). Inside the box, a point farther outside the range a node's samples spanned on its split feature than that range is wide ends its
/// path there: no sample the tree grew from was like it, so it is isolated at that depth (the margin keeps normal
/// points, which often fall just outside the narrow ranges of deep nodes, from being cut short too). Plain isolation forests route such a point on as if it
/// were the sample at the edge, which hides how far outside the normal windows it is.
/// </remarks>
[GenerateSerializer, Alias("otlpgrains.iforest.IsolationTrees")]
public sealed class IsolationTrees
{
    // How far outside its tree's sample range, in widths of that range, a point must lie in some dimension to be
    // isolated at the root. Three quarters of a width: normal windows rarely stray so far from 128 recent normal
    // ones, while a spike, a drop or a burst in a single signal does, which the random splits of a 15-dimensional
    // tree would mostly miss.
    private const float BoxMargin = 0.75f;

    // Marks a leaf in _feature.
    private const short Leaf = -1;

    [Id(0)] private readonly short[] _feature;
    [Id(1)] private readonly float[] _split;
    [Id(2)] private readonly int[] _leafSize;
    [Id(3)] private readonly int _trees;
    [Id(4)] private readonly int _height;
    [Id(5)] private readonly int _sampleSize;
    [Id(6)] private readonly float[] _low;
    [Id(7)] private readonly float[] _high;
    [Id(8)] private float[] _boxLow = [];
    [Id(9)] private float[] _boxHigh = [];

    public IsolationTrees(int trees, int sampleSize)
    {
        _trees = trees;
        _sampleSize = sampleSize;
        _height = (int)Math.Ceiling(Math.Log2(sampleSize));
        int nodes = NodesPerTree;
        _feature = new short[trees * nodes];
        _split = new float[trees * nodes];
        _low = new float[trees * nodes];
        _high = new float[trees * nodes];
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
        if (_boxLow.Length != _trees * dimensions)
        {
            _boxLow = new float[_trees * dimensions];
            _boxHigh = new float[_trees * dimensions];
        }

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

            Span<int> sample = order.AsSpan(0, take);
            SpanBox(t, sample, rows, dimensions);
            GrowNode(t * NodesPerTree, 0, 0, sample, rows, dimensions, random);
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
            if (OutsideBox(t, point, credit))
            {
                totalDepth += 1;
                continue;
            }

            while (_feature[root + node] != Leaf)
            {
                int feature = _feature[root + node];

                // A split near the root separates the point from most of the sample: it earns the most credit.
                credit[feature] += 1.0 / (depth + 1);
                double value = point[feature];
                depth++;
                float width = _high[root + node] - _low[root + node];
                if (value < _low[root + node] - width || value > _high[root + node] + width)
                {
                    break;
                }

                node = value < _split[root + node] ? (2 * node) + 1 : (2 * node) + 2;
            }

            totalDepth += _feature[root + node] == Leaf ? depth + AveragePathLength(_leafSize[root + node]) : depth;
        }

        return Math.Pow(2, -(totalDepth / _trees) / AveragePathLength(_sampleSize));
    }

    // The range of every dimension over the tree's sample: its root's bounding box.
    private void SpanBox(int tree, ReadOnlySpan<int> sample, ReadOnlySpan<double> rows, int dimensions)
    {
        for (int d = 0; d < dimensions; d++)
        {
            float low = float.PositiveInfinity;
            float high = float.NegativeInfinity;
            foreach (int member in sample)
            {
                float value = (float)rows[(member * dimensions) + d];
                low = Math.Min(low, value);
                high = Math.Max(high, value);
            }

            _boxLow[(tree * dimensions) + d] = low;
            _boxHigh[(tree * dimensions) + d] = high;
        }
    }

    // True when the point lies far outside the tree's root box in some dimension (crediting that dimension).
    private bool OutsideBox(int tree, ReadOnlySpan<double> point, Span<double> credit)
    {
        int dimensions = point.Length;
        bool outside = false;
        for (int d = 0; d < dimensions; d++)
        {
            float low = _boxLow[(tree * dimensions) + d];
            float high = _boxHigh[(tree * dimensions) + d];
            float margin = BoxMargin * (high - low);
            if (point[d] < low - margin || point[d] > high + margin)
            {
                credit[d] += 1;
                outside = true;
            }
        }

        return outside;
    }

    private void GrowNode(int root, int node, int depth, Span<int> members, ReadOnlySpan<double> rows, int dimensions, SplitMix64 random)
    {
        if (depth >= _height || members.Length <= 1 ||
            !TryPickSplit(members, rows, dimensions, random, out int feature, out float split, out float low, out float high))
        {
            _feature[root + node] = Leaf;
            _leafSize[root + node] = members.Length;
            return;
        }

        // Partition the members in place: those below the split first.
        int below = 0;
        for (int i = 0; i < members.Length; i++)
        {
            if ((float)rows[(members[i] * dimensions) + feature] < split)
            {
                (members[below], members[i]) = (members[i], members[below]);
                below++;
            }
        }

        _feature[root + node] = (short)feature;
        _split[root + node] = split;
        _low[root + node] = low;
        _high[root + node] = high;
        GrowNode(root, (2 * node) + 1, depth + 1, members[..below], rows, dimensions, random);
        GrowNode(root, (2 * node) + 2, depth + 1, members[below..], rows, dimensions, random);
    }

    // The first dimension, from a random start, that still varies within the node; split uniformly between its min
    // and max.
    private static bool TryPickSplit(
        ReadOnlySpan<int> members, ReadOnlySpan<double> rows, int dimensions, SplitMix64 random, out int feature, out float split, out float low, out float high)
    {
        int start = random.NextInt(dimensions);
        for (int k = 0; k < dimensions; k++)
        {
            feature = (start + k) % dimensions;
            float min = float.PositiveInfinity;
            float max = float.NegativeInfinity;
            foreach (int member in members)
            {
                float value = (float)rows[(member * dimensions) + feature];
                min = Math.Min(min, value);
                max = Math.Max(max, value);
            }

            if (max > min)
            {
                split = (float)(min + (random.NextDouble() * (max - min)));
                if (split > min)
                {
                    low = min;
                    high = max;
                    return true;
                }
            }
        }

        feature = 0;
        split = 0;
        low = 0;
        high = 0;
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
